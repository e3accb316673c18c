#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace chorus::bench {

// What every synthetic payload ends with, so a receiver that decrypts it knows exactly which
// packet of which sender it holds and when it left (same host, same steady clock):
//
//    0                   1                   2                   3
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                     sender (harness index)                    |
//   |            sequence (per source, from 0, no gaps)             |
//   |               send time (steady clock, ns, 64 bits)           |
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// At the end rather than the start, so it sits behind any codec descriptor (VP8's) unmoved.
struct MediaProbe {
  static constexpr std::size_t kSize = 16;

  std::uint32_t sender = 0;
  std::uint32_t sequence = 0;
  std::int64_t sendTimeNs = 0;

  // Writes into the last kSize bytes of `payload` (at least kSize long).
  void writeTo(std::span<std::uint8_t> payload) const noexcept;
  static std::optional<MediaProbe> readFrom(std::span<const std::uint8_t> payload) noexcept;
};

}  // namespace chorus::bench
