#pragma once

#include <bitset>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "benchmarks/load/BrowserSdp.h"
#include "benchmarks/load/DelayHistogram.h"
#include "benchmarks/load/MediaProbe.h"
#include "media/wire/RtcpReportBlock.h"
#include "media/wire/RtpPacketView.h"

namespace chorus::bench {

// Where a receiver reads a packet's send time for its one-way delay.
enum class DelaySource : std::uint8_t {
  // The abs-send-time extension of every packet, from the clear header: cheap, but only where
  // the server passes the publisher's extension through (Chorus does; Janus drops it).
  kAbsSendTime,
  // The probe's send time in the payload, on the packets decrypted (the first of each stream
  // and one in verifyEvery): every server forwards payloads unchanged.
  kProbe,
};

// What one subscriber received on one stream, counted from its first packet (the server starts
// a video subscription at a keyframe, so what came before is not loss).
struct StreamReception {
  std::uint32_t ssrc = 0;
  bool video = false;
  std::string publisher;                // the server's participant id of the publisher
  std::optional<std::uint32_t> sender;  // the probe's sender, once a packet was decrypted
  std::optional<std::uint32_t> firstProbeSequence;
  std::uint64_t received = 0;    // packets, duplicates included
  std::uint64_t duplicates = 0;  // within the last 1024 sequence numbers
  std::uint64_t reordered = 0;   // arrived after a higher sequence number
  std::uint64_t bytes = 0;
  std::uint64_t verified = 0;         // decrypted and their probe checked
  std::uint64_t mismatches = 0;       // probe disagreeing with the header (sender, sequence)
  std::int64_t baseSequence = 0;      // extended sequence of the first packet
  std::int64_t highestSequence = -1;  // extended
  double jitterNs = 0;                // RFC 3550 §A.8, on the transit of measured packets
  std::int64_t lastTransitNs = 0;
  std::int64_t probeOffset = 0;  // probe sequence - extended RTP sequence, constant

  std::uint64_t expected() const {
    return highestSequence < 0 ? 0 : static_cast<std::uint64_t>(highestSequence - baseSequence + 1);
  }
  std::uint64_t unique() const { return received - duplicates; }
  std::uint64_t lost() const { return expected() > unique() ? expected() - unique() : 0; }

  std::bitset<1024> seen;
};

// The receiving side of one subscriber's transport, kept cheap: every packet is counted from
// its clear RTP header (RFC 3711 §3.1: SRTP encrypts only the payload) and its one-way delay
// taken from abs-send-time where the server passes it through (or from the probe of the
// packets decrypted: DelaySource); the first packet of
// each stream and one in `verifyEvery` after it are also authenticated and decrypted, and
// their probe (MediaProbe) checked against the header: same sender throughout, and probe
// sequence minus RTP sequence constant, which holds only if the server forwarded every packet
// in order without loss or duplicate.
class ReceiveTracker {
 public:
  ReceiveTracker(DelayHistogram& delays, std::uint32_t verifyEvery,
                 DelaySource delaySource = DelaySource::kAbsSendTime)
      : delays_(delays), verifyEvery_(verifyEvery), delaySource_(delaySource) {}

  // The streams of the latest subscribe answer; streams already known keep their counts.
  void expect(const std::vector<OfferedStream>& streams);

  // A packet as it came off the wire; true when it should also be decrypted and verified.
  bool onRtp(const media::RtpPacketView& packet, std::size_t size, std::chrono::nanoseconds now);
  // The same packet, decrypted; `now` is when it arrived.
  void onDecrypted(const media::RtpPacketView& packet, std::chrono::nanoseconds now);

  // RFC 3550 §6.4.2 report blocks for the streams that have received something.
  std::vector<media::RtcpReportBlock> reportBlocks();

  const std::vector<StreamReception>& streams() const { return streams_; }
  std::uint64_t unknownSsrc() const { return unknownSsrc_; }
  // When the first packet of any expected stream arrived (steady clock since its epoch).
  std::optional<std::chrono::nanoseconds> firstPacketAt() const { return firstPacketAt_; }

 private:
  StreamReception* find(std::uint32_t ssrc);
  void addDelay(StreamReception& stream, std::chrono::nanoseconds delay, bool first);

  DelayHistogram& delays_;
  std::uint32_t verifyEvery_;
  DelaySource delaySource_;
  std::vector<StreamReception> streams_;
  std::vector<std::uint8_t> absSendTimeIds_;
  std::vector<std::uint64_t> expectedAtLastReport_;
  std::vector<std::uint64_t> receivedAtLastReport_;
  std::uint64_t unknownSsrc_ = 0;
  std::optional<std::chrono::nanoseconds> firstPacketAt_;
};

}  // namespace chorus::bench
