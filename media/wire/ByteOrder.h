#pragma once

#include <cstdint>
#include <span>

namespace chorus::media {

// Network byte order (big-endian) loads and stores on byte spans. Callers have already checked
// the span is long enough (parse, don't validate): these do no bounds checks of their own
// beyond what std::span's debug mode adds. Byte-wise access is endian- and alignment-safe and
// compiles to a single load and byte swap.

inline std::uint16_t loadBe16(std::span<const std::uint8_t> bytes, std::size_t at) noexcept {
  return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}

inline std::uint32_t loadBe24(std::span<const std::uint8_t> bytes, std::size_t at) noexcept {
  return (std::uint32_t{bytes[at]} << 16) | (std::uint32_t{bytes[at + 1]} << 8) |
         std::uint32_t{bytes[at + 2]};
}

inline std::uint32_t loadBe32(std::span<const std::uint8_t> bytes, std::size_t at) noexcept {
  return (std::uint32_t{bytes[at]} << 24) | (std::uint32_t{bytes[at + 1]} << 16) |
         (std::uint32_t{bytes[at + 2]} << 8) | std::uint32_t{bytes[at + 3]};
}

inline std::uint64_t loadBe64(std::span<const std::uint8_t> bytes, std::size_t at) noexcept {
  return (std::uint64_t{loadBe32(bytes, at)} << 32) | loadBe32(bytes, at + 4);
}

inline void storeBe16(std::span<std::uint8_t> bytes, std::size_t at, std::uint16_t value) noexcept {
  bytes[at] = static_cast<std::uint8_t>(value >> 8);
  bytes[at + 1] = static_cast<std::uint8_t>(value);
}

inline void storeBe24(std::span<std::uint8_t> bytes, std::size_t at, std::uint32_t value) noexcept {
  bytes[at] = static_cast<std::uint8_t>(value >> 16);
  bytes[at + 1] = static_cast<std::uint8_t>(value >> 8);
  bytes[at + 2] = static_cast<std::uint8_t>(value);
}

inline void storeBe32(std::span<std::uint8_t> bytes, std::size_t at, std::uint32_t value) noexcept {
  bytes[at] = static_cast<std::uint8_t>(value >> 24);
  bytes[at + 1] = static_cast<std::uint8_t>(value >> 16);
  bytes[at + 2] = static_cast<std::uint8_t>(value >> 8);
  bytes[at + 3] = static_cast<std::uint8_t>(value);
}

inline void storeBe64(std::span<std::uint8_t> bytes, std::size_t at, std::uint64_t value) noexcept {
  storeBe32(bytes, at, static_cast<std::uint32_t>(value >> 32));
  storeBe32(bytes, at + 4, static_cast<std::uint32_t>(value));
}

}  // namespace chorus::media
