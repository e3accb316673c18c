#pragma once

#include <array>
#include <cstdint>

namespace chorus::media {

// The highest packet index seen on one SSRC and which of the 128 before it were seen too
// (RFC 3711 §3.3.2; 128 rather than the minimum 64, as libsrtp does, to absorb video bursts
// reordered by the network). The same window serves 48-bit SRTP and 31-bit SRTCP indices.
class SrtpReplayWindow {
 public:
  static constexpr std::uint64_t kSize = 128;

  enum class Verdict : std::uint8_t { kFresh, kReplayed, kTooOld };

  bool empty() const noexcept { return !started_; }
  std::uint64_t highest() const noexcept { return highest_; }

  Verdict check(std::uint64_t index) const noexcept;
  // Records an index as received (or sent): only after the packet authenticated.
  void accept(std::uint64_t index) noexcept;

 private:
  std::uint64_t highest_ = 0;
  // Bit k says whether index highest_ - k was seen: bits 0-63 in seen_[0], 64-127 in seen_[1].
  std::array<std::uint64_t, 2> seen_{};
  bool started_ = false;
};

}  // namespace chorus::media
