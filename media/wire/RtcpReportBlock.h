#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace chorus::media {

// One reception report block of an SR or RR (RFC 3550 §6.4.1):
//
//   |                 SSRC of the reported source                   |
//   | fraction lost |       cumulative number of packets lost       |
//   |           extended highest sequence number received           |
//   |                      interarrival jitter                      |
//   |                         last SR (LSR)                         |
//   |                   delay since last SR (DLSR)                  |
struct RtcpReportBlock {
  std::uint32_t ssrc = 0;
  std::uint8_t fractionLost = 0;
  // A signed 24-bit value on the wire (it goes negative with duplicates); written clamped.
  std::int32_t cumulativeLost = 0;
  std::uint32_t extendedHighestSequence = 0;
  std::uint32_t jitter = 0;
  std::uint32_t lastSenderReport = 0;
  std::uint32_t delaySinceLastSenderReport = 0;

  friend bool operator==(const RtcpReportBlock&, const RtcpReportBlock&) = default;
};

inline constexpr std::size_t kRtcpReportBlockSize = 24;

// Precondition: `bytes` holds kRtcpReportBlockSize bytes from `at`.
RtcpReportBlock readRtcpReportBlock(std::span<const std::uint8_t> bytes, std::size_t at) noexcept;
void writeRtcpReportBlock(std::span<std::uint8_t> bytes, std::size_t at,
                          const RtcpReportBlock& block) noexcept;

}  // namespace chorus::media
