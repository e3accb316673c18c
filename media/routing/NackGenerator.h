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
// kMaxRequests times, one retry interval apart (the leg's round-trip time plus a margin when
// known, kDefaultRetryInterval before), then given up: by then the receiver's jitter buffer has
// moved on, and a keyframe request is the cure.
//
// Fixed storage, no allocation; single-threaded (the publisher's shard); time is passed in.
class NackGenerator {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  static constexpr std::size_t kMaxMissing = 256;
  static constexpr std::uint32_t kMaxRequests = 3;
  static constexpr std::chrono::milliseconds kDefaultRetryInterval{40};
  static constexpr std::chrono::milliseconds kRetryMargin{10};

  // A packet arrived (an original or one recovered from RTX).
  void received(std::uint16_t sequenceNumber, TimePoint now) noexcept;

  // Writes to `out` the sequence numbers to request now, in ascending order (modulo 2^16), and
  // returns how many; forgets those requested kMaxRequests times already. `out` should hold
  // kMaxMissing numbers; any beyond its size wait for the next call.
  std::size_t due(TimePoint now, std::span<std::uint16_t> out) noexcept;

  // The publisher leg's round-trip time, when RTCP reports measure it (RFC 3550 §6.4.1).
  void setRoundTripTime(std::chrono::nanoseconds roundTripTime) noexcept;

  std::size_t missing() const noexcept { return count_; }
  // Packets given up after kMaxRequests, or because a gap was too wide to track.
  std::uint64_t givenUp() const noexcept { return givenUp_; }

 private:
  struct Missing {
    std::uint16_t sequenceNumber = 0;
    std::uint32_t requests = 0;
    TimePoint nextRequest{};
  };

  void remove(std::size_t index) noexcept;

  std::array<Missing, kMaxMissing> missing_{};  // ascending order, oldest first
  std::size_t count_ = 0;
  std::optional<std::uint16_t> highest_;
  std::chrono::nanoseconds retryInterval_ = kDefaultRetryInterval;
  std::uint64_t givenUp_ = 0;
};

}  // namespace chorus::media
