#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "media/stats/FixedHistogram.h"
#include "media/stats/RelaxedCounter.h"

namespace chorus::media {

// What an RTP packet the router handles carries, for the counts by kind.
enum class RtpKind : std::uint8_t {
  kAudio,
  kVideo,
  kRtx,  // an RTX stream (RFC 4588): repairs, and the padding senders probe bandwidth with
};
inline constexpr std::size_t kRtpKindCount = 3;
std::string_view toString(RtpKind kind) noexcept;

// The RTCP packets of a compound the router reads (RFC 3550 §6.4, RFC 4585 §6.1-6.3,
// RFC 5104 §4.3.1, draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1).
enum class RtcpType : std::uint8_t { kSr, kRr, kPli, kFir, kNack, kTransportCc, kOther };
inline constexpr std::size_t kRtcpTypeCount = 7;
std::string_view toString(RtcpType type) noexcept;

// Histogram bounds. RTT: loopback to intercontinental, with room for a congested path.
inline constexpr std::array<double, 12> kRttBoundsSeconds{0.005, 0.01, 0.02, 0.04, 0.06, 0.08,
                                                          0.1,   0.15, 0.2,  0.3,  0.5,  1.0};
// Jitter: a few milliseconds on a good path; a hundred means a receiver needs a deep buffer.
inline constexpr std::array<double, 10> kJitterBoundsSeconds{0.001, 0.0025, 0.005, 0.01, 0.02,
                                                             0.03,  0.05,   0.075, 0.1,  0.2};
// Fraction lost: an 8-bit fixed-point fraction (RFC 3550 §6.4.1); 0 is the common case.
inline constexpr std::array<double, 9> kFractionLostBounds{0,   0.005, 0.01, 0.02, 0.05,
                                                           0.1, 0.2,   0.5,  1.0};

// What one shard's router counted; written by its thread, summed by the metrics scrape.
struct RouterCounters {
  RelaxedCounter forwarded;              // RTP packets sent to a subscriber
  RelaxedCounter lent;                   // packets handed to another shard (once per shard)
  RelaxedCounter unknownStream;          // RTP from a publisher SSRC no stream has
  RelaxedCounter malformed;              // not a parsable RTP packet after decryption
  RelaxedCounter rtxDropped;             // publisher RTX with no payload to recover (padding only)
  RelaxedCounter duplicate;              // refused by the subscriber's rewriter
  RelaxedCounter ringFull;               // a ring to another shard was full: its item was dropped
  RelaxedCounter poolExhausted;          // no slot for a subscriber's copy
  RelaxedCounter awaitingKeyframe;       // video not sent to a subscription before its keyframe
  RelaxedCounter rtcpMalformed;          // SRTCP that decrypted to no valid compound packet
  RelaxedCounter keyframeRequests;       // PLIs sent to publishers
  RelaxedCounter keyframesReceived;      // keyframes publishers sent (their first packets)
  RelaxedCounter transportFeedbackSent;  // transport-cc feedback packets sent to publishers
  RelaxedCounter receiverReportsSent;    // RRs sent to publishers
  RelaxedCounter senderReportsSent;      // SRs sent to subscribers
  RelaxedCounter rembsSent;              // REMBs sent to publishers (their bitrate caps)
  // NACK and RTX (RFC 4585 §6.2.1, RFC 4588).
  RelaxedCounter rtxRecovered;   // publisher RTX packets routed as the originals they carry
  RelaxedCounter retransmitted;  // packets resent to subscribers for their NACKs
  RelaxedCounter nackMissed;     // NACKed packets no longer (or never) in the buffer
  RelaxedCounter nacksSent;      // NACKs sent to publishers
  RelaxedCounter nackGivenUp;    // publisher losses no longer requested (retries exhausted)
  RelaxedCounter notKept;        // video packets not kept: the shard's buffers hit their budget
  // Transport-cc toward subscribers (draft-holmer-rmcat-transport-wide-cc-extensions-01).
  RelaxedCounter transportCcUnstamped;       // sent without a transport-wide sequence number
  RelaxedCounter transportFeedbackReceived;  // subscribers' transport-cc feedback packets
  // Publishers' RTP of known streams, and what went to subscribers, by RtpKind: packets and
  // their bytes (header and payload, without SRTP's tag).
  std::array<RelaxedCounter, kRtpKindCount> receivedPackets;
  std::array<RelaxedCounter, kRtpKindCount> receivedBytes;
  std::array<RelaxedCounter, kRtpKindCount> forwardedPackets;
  std::array<RelaxedCounter, kRtpKindCount> forwardedBytes;
  std::array<RelaxedCounter, kRtcpTypeCount> rtcpReceived;  // by RtcpType
  // From the report blocks subscribers send (RFC 3550 §6.4.1), one sample per block.
  FixedHistogram subscriberRtt{kRttBoundsSeconds};
  FixedHistogram subscriberJitter{kJitterBoundsSeconds};
  FixedHistogram subscriberFractionLost{kFractionLostBounds};
  // What the server measures of publishers' streams, one sample per block of its RRs.
  FixedHistogram publisherJitter{kJitterBoundsSeconds};
  FixedHistogram publisherFractionLost{kFractionLostBounds};
  // Snapshots the tick takes once a second for the metrics scrape, which must not read the
  // router's maps: subscriberBitrates(), and the most packets the inbound rings held at one
  // drain over that second.
  std::atomic<std::uint64_t> subscriberEstimateSumBps{0};
  std::atomic<std::uint64_t> subscriberEstimates{0};
  std::atomic<std::uint64_t> ringPeak{0};

  void countReceived(RtpKind kind, std::size_t bytes) noexcept {
    receivedPackets[static_cast<std::size_t>(kind)].add();
    receivedBytes[static_cast<std::size_t>(kind)].add(bytes);
  }
  void countForwarded(RtpKind kind, std::size_t bytes) noexcept {
    forwardedPackets[static_cast<std::size_t>(kind)].add();
    forwardedBytes[static_cast<std::size_t>(kind)].add(bytes);
  }
};

}  // namespace chorus::media
