#include "media/wire/RtcpCompoundView.h"

#include "media/wire/ByteOrder.h"

namespace chorus::media {
namespace {

constexpr std::uint8_t kRtcpVersion = 2;
constexpr std::uint8_t kPaddingBit = 0x20;
constexpr std::size_t kWordSize = 4;

std::size_t packetSizeAt(std::span<const std::uint8_t> datagram, std::size_t offset) noexcept {
  return kWordSize * (std::size_t{loadBe16(datagram, offset + 2)} + 1);
}

}  // namespace

std::optional<RtcpCompoundView> RtcpCompoundView::parse(
    std::span<const std::uint8_t> datagram) noexcept {
  if (datagram.empty()) {
    return std::nullopt;
  }
  std::size_t offset = 0;
  std::size_t packetCount = 0;
  while (offset < datagram.size()) {
    if (datagram.size() - offset < kRtcpHeaderSize || (datagram[offset] >> 6) != kRtcpVersion) {
      return std::nullopt;
    }
    const std::size_t size = packetSizeAt(datagram, offset);
    if (size > datagram.size() - offset) {
      return std::nullopt;
    }
    if ((datagram[offset] & kPaddingBit) != 0) {
      // RFC 3550 §6.4.1: the last byte counts the padding, itself included.
      const std::size_t padding = datagram[offset + size - 1];
      if (padding == 0 || padding > size - kRtcpHeaderSize) {
        return std::nullopt;
      }
    }
    offset += size;
    ++packetCount;
  }
  return RtcpCompoundView(datagram, packetCount);
}

RtcpHeader RtcpCompoundView::Iterator::operator*() const noexcept {
  const auto packet = datagram_.subspan(offset_, packetSizeAt(datagram_, offset_));
  const bool padding = (packet[0] & kPaddingBit) != 0;
  const std::size_t paddingSize = padding ? packet.back() : 0;
  return RtcpHeader{
      .padding = padding,
      .count = static_cast<std::uint8_t>(packet[0] & kRtcpMaxCount),
      .packetType = packet[1],
      .length = loadBe16(packet, 2),
      .packet = packet,
      .body = packet.subspan(kRtcpHeaderSize, packet.size() - kRtcpHeaderSize - paddingSize),
  };
}

RtcpCompoundView::Iterator& RtcpCompoundView::Iterator::operator++() noexcept {
  offset_ += packetSizeAt(datagram_, offset_);
  return *this;
}

}  // namespace chorus::media
