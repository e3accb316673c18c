#include "media/wire/RtcpReportBlock.h"

#include <algorithm>

#include "media/wire/ByteOrder.h"

namespace chorus::media {
namespace {

constexpr std::int32_t kMinCumulativeLost = -(1 << 23);
constexpr std::int32_t kMaxCumulativeLost = (1 << 23) - 1;
constexpr std::uint32_t kSignBit24 = 0x800000;
constexpr std::uint32_t kMask24 = 0xffffff;

}  // namespace

RtcpReportBlock readRtcpReportBlock(std::span<const std::uint8_t> bytes, std::size_t at) noexcept {
  const std::uint32_t lost = loadBe24(bytes, at + 5);
  // Sign-extend the 24-bit two's complement field.
  const std::int32_t cumulativeLost = (lost & kSignBit24) != 0
                                          ? static_cast<std::int32_t>(lost) - (1 << 24)
                                          : static_cast<std::int32_t>(lost);
  return RtcpReportBlock{
      .ssrc = loadBe32(bytes, at),
      .fractionLost = bytes[at + 4],
      .cumulativeLost = cumulativeLost,
      .extendedHighestSequence = loadBe32(bytes, at + 8),
      .jitter = loadBe32(bytes, at + 12),
      .lastSenderReport = loadBe32(bytes, at + 16),
      .delaySinceLastSenderReport = loadBe32(bytes, at + 20),
  };
}

void writeRtcpReportBlock(std::span<std::uint8_t> bytes, std::size_t at,
                          const RtcpReportBlock& block) noexcept {
  const std::int32_t lost =
      std::clamp(block.cumulativeLost, kMinCumulativeLost, kMaxCumulativeLost);
  storeBe32(bytes, at, block.ssrc);
  bytes[at + 4] = block.fractionLost;
  storeBe24(bytes, at + 5, static_cast<std::uint32_t>(lost) & kMask24);
  storeBe32(bytes, at + 8, block.extendedHighestSequence);
  storeBe32(bytes, at + 12, block.jitter);
  storeBe32(bytes, at + 16, block.lastSenderReport);
  storeBe32(bytes, at + 20, block.delaySinceLastSenderReport);
}

}  // namespace chorus::media
