#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "media/wire/RtcpTransportFeedback.h"

namespace chorus::media {

// The receive side of transport-wide congestion control for one publisher transport
// (draft-holmer-rmcat-transport-wide-cc-extensions-01): records the transport-wide sequence
// number and arrival time of every RTP packet the publisher sends on the transport, and writes
// the feedback packets that report them, so the browser's send-side bandwidth estimation sees
// every packet's fate and delay.
//
// Sequence numbers are extended to 64 bits against the highest seen (they wrap at 2^16). The
// arrival of each of the last kHistory sequence numbers is kept in a fixed ring, so recording
// allocates nothing. A reordered packet fills its slot if it has not been reported yet; one
// that comes after its sequence number was reported (as not received) is refused. A jump of
// kHistory or more drops the unreported packets the ring can no longer hold.
//
// Single-threaded (owned by the publisher's shard); no allocation.
class TransportCcFeedback {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // A power of two: about 1.6 s of 10 Mbit/s video in 1200-byte packets, far more than one
  // feedback interval holds.
  static constexpr std::size_t kHistory = 4096;
  // At most this many statuses in one feedback packet: with two-byte deltas and two-bit status
  // vectors that is under 1000 bytes, so a feedback always fits one datagram with SRTCP's tail.
  static constexpr std::size_t kMaxStatusesPerFeedback = 400;
  static constexpr std::size_t kMaxFeedbackSize = 1200;
  // A feedback that would start with more lost packets than this starts at the next received
  // one instead: after a large gap (a stall, a path change) libwebrtc's estimator gains nothing
  // from a long not-received run, and the sender times those packets out anyway.
  static constexpr std::int64_t kMaxLeadingLoss = 256;

  explicit TransportCcFeedback(std::uint32_t senderSsrc) noexcept;

  // The packet of the publisher's stream `mediaSsrc` carrying transport-wide sequence number
  // `sequenceNumber` arrived at `arrival`.
  void onPacket(std::uint32_t mediaSsrc, std::uint16_t sequenceNumber, TimePoint arrival) noexcept;

  // Whether packets recorded since the last feedback remain to be reported.
  bool hasPending() const noexcept { return started_ && nextToReport_ <= highest_; }

  // Writes the next feedback packet at the start of `out` and marks what it reports as
  // reported; its size, or nothing when nothing is pending or it does not fit. Call again while
  // hasPending(): a feedback ends early at kMaxStatusesPerFeedback statuses, or before a receive
  // delta a feedback cannot carry (about 8 s), which then starts the next one.
  std::optional<std::size_t> write(std::span<std::uint8_t> out) noexcept;

  // Packets refused because their sequence number had already been reported.
  std::uint64_t lateRefused() const noexcept { return lateRefused_; }

 private:
  static constexpr std::int64_t kNotReceived = INT64_MIN;

  std::int64_t& arrivalOf(std::int64_t extended) noexcept {
    return arrivals_[static_cast<std::size_t>(extended) & (kHistory - 1)];
  }

  std::uint32_t senderSsrc_;
  std::uint32_t mediaSsrc_ = 0;
  bool started_ = false;
  std::int64_t highest_ = 0;       // the highest extended sequence number received
  std::int64_t nextToReport_ = 0;  // the first extended sequence number not yet reported
  std::uint8_t feedbackCount_ = 0;
  std::uint64_t lateRefused_ = 0;
  // Arrival times in microseconds of the steady clock, by extended sequence mod kHistory.
  std::array<std::int64_t, kHistory> arrivals_{};
  std::array<RtcpTransportFeedback::PacketArrival, kMaxStatusesPerFeedback> statuses_{};
};

}  // namespace chorus::media
