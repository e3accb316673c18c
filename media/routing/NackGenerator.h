#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace chorus::media {

// Detects the packets missing from one published stream and says when to ask the publisher for
// them again (generic NACK, RFC 4585 §6.2.1): a gap in the sequence numbers is a loss until the
// packet arrives late or is recovered from RTX. Each missing packet is requested at most
// kMaxRequests times, one retry interval apart, then given up: by then the receiver's jitter
// buffer has moved on, and a keyframe request is the cure.
//
// The retry interval follows the publisher leg's round-trip time. The server sends no media to a
// publisher, so no report block measures that leg (RFC 3550 §6.4.1 needs an SR from us); the
// NACKs themselves do: a retransmission answering a packet requested once arrives one round trip
// (plus the publisher's turnaround) after the request. Samples from packets requested more than
// once are ambiguous and skipped (Karn's rule, RFC 6298 §3); the samples are smoothed and the
// interval set as RFC 6298 §2 sets a retransmission timeout, with kDefaultRetryInterval until a
// first sample.
//
// Fixed storage, no allocation; single-threaded (the publisher's shard); time is passed in.
class NackGenerator {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  static constexpr std::size_t kMaxMissing = 256;
  static constexpr std::uint32_t kMaxRequests = 3;
  static constexpr std::chrono::milliseconds kDefaultRetryInterval{40};
  // Never retry sooner than this: a loopback or LAN leg's RTT of a millisecond would otherwise
  // ask again before the publisher's pacer has sent the first answer.
  static constexpr std::chrono::milliseconds kMinRetryInterval{10};
  static constexpr std::chrono::milliseconds kMaxRetryInterval{500};

  // How a packet arrived: in the media stream, or recovered from the RTX stream (RFC 4588).
  enum class Arrival : std::uint8_t { kOriginal, kRetransmission };

  // A packet arrived.
  void received(std::uint16_t sequenceNumber, TimePoint now,
                Arrival arrival = Arrival::kOriginal) noexcept;

  // Writes to `out` the sequence numbers to request now, in ascending order (modulo 2^16), and
  // returns how many; forgets those requested kMaxRequests times already. `out` should hold
  // kMaxMissing numbers; any beyond its size wait for the next call.
  std::size_t due(TimePoint now, std::span<std::uint16_t> out) noexcept;

  // The publisher leg's smoothed round-trip time, once a retransmission has measured it.
  std::optional<std::chrono::nanoseconds> roundTripTime() const noexcept { return smoothedRtt_; }
  std::chrono::nanoseconds retryInterval() const noexcept { return retryInterval_; }

  std::size_t missing() const noexcept { return count_; }
  // Packets given up after kMaxRequests, or because a gap was too wide to track.
  std::uint64_t givenUp() const noexcept { return givenUp_; }

 private:
  struct Missing {
    std::uint16_t sequenceNumber = 0;
    std::uint32_t requests = 0;
    TimePoint nextRequest{};
    TimePoint lastRequest{};
  };

  void recovered(const Missing& entry, TimePoint now, Arrival arrival) noexcept;
  void measure(std::chrono::nanoseconds sample) noexcept;
  void remove(std::size_t index) noexcept;

  std::array<Missing, kMaxMissing> missing_{};  // ascending order, oldest first
  std::size_t count_ = 0;
  std::optional<std::uint16_t> highest_;
  std::chrono::nanoseconds retryInterval_ = kDefaultRetryInterval;
  std::optional<std::chrono::nanoseconds> smoothedRtt_;
  std::chrono::nanoseconds rttVariation_{};
  std::uint64_t givenUp_ = 0;
};

}  // namespace chorus::media
