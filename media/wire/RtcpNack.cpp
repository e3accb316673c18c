#include "media/wire/RtcpNack.h"

#include "media/wire/ByteOrder.h"

namespace chorus::media {
namespace {

constexpr std::size_t kItemsOffset = kRtcpHeaderSize + kRtcpFeedbackHeaderSize;
constexpr std::uint16_t kBitmaskSpan = 16;

}  // namespace

std::optional<RtcpNack> RtcpNack::parse(const RtcpHeader& header) noexcept {
  if (!isRtcpFeedback(header, RtcpPacketType::kTransportFeedback, kFormat)) {
    return std::nullopt;
  }
  const std::size_t itemsSize = header.body.size() - kRtcpFeedbackHeaderSize;
  if (itemsSize == 0 || itemsSize % kItemSize != 0) {
    return std::nullopt;
  }
  return RtcpNack(header.body, itemsSize / kItemSize);
}

std::optional<std::size_t> RtcpNack::build(std::span<std::uint8_t> out, std::uint32_t senderSsrc,
                                           std::uint32_t mediaSsrc,
                                           std::span<const RtcpNackItem> items) noexcept {
  const std::size_t size = kItemsOffset + kItemSize * items.size();
  if (items.empty() || size > out.size() || size > kRtcpMaxPacketSize) {
    return std::nullopt;
  }
  writeRtcpFeedbackHeader(out, kFormat, RtcpPacketType::kTransportFeedback, size, senderSsrc,
                          mediaSsrc);
  std::size_t at = kItemsOffset;
  for (const RtcpNackItem& item : items) {
    storeBe16(out, at, item.packetId);
    storeBe16(out, at + 2, item.lostBitmask);
    at += kItemSize;
  }
  return size;
}

std::optional<std::size_t> RtcpNack::buildFromLost(std::span<std::uint8_t> out,
                                                   std::uint32_t senderSsrc,
                                                   std::uint32_t mediaSsrc,
                                                   std::span<const std::uint16_t> lost) noexcept {
  if (lost.empty()) {
    return std::nullopt;
  }
  std::size_t at = kItemsOffset;
  std::uint16_t packetId = 0;
  for (std::size_t i = 0; i < lost.size(); ++i) {
    // Unsigned 16-bit subtraction: the distance forward from the current item's PID.
    const auto distance = static_cast<std::uint16_t>(lost[i] - packetId);
    if (i > 0 && distance >= 1 && distance <= kBitmaskSpan) {
      const std::uint16_t bitmask = loadBe16(out, at - kItemSize + 2);
      storeBe16(out, at - kItemSize + 2,
                static_cast<std::uint16_t>(bitmask | (1U << (distance - 1))));
      continue;
    }
    if (i > 0 && distance == 0) {
      continue;  // a repeat of the PID itself
    }
    if (at + kItemSize > out.size() || at + kItemSize > kRtcpMaxPacketSize) {
      return std::nullopt;
    }
    packetId = lost[i];
    storeBe16(out, at, packetId);
    storeBe16(out, at + 2, 0);
    at += kItemSize;
  }
  writeRtcpFeedbackHeader(out, kFormat, RtcpPacketType::kTransportFeedback, at, senderSsrc,
                          mediaSsrc);
  return at;
}

std::uint32_t RtcpNack::senderSsrc() const noexcept {
  return loadBe32(body_, 0);
}

std::uint32_t RtcpNack::mediaSsrc() const noexcept {
  return loadBe32(body_, 4);
}

RtcpNackItem RtcpNack::item(std::size_t index) const noexcept {
  const std::size_t at = kRtcpFeedbackHeaderSize + kItemSize * index;
  return {loadBe16(body_, at), loadBe16(body_, at + 2)};
}

}  // namespace chorus::media
