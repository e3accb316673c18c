#include "media/wire/RtcpHeader.h"

#include "media/wire/ByteOrder.h"

namespace chorus::media {
namespace {

constexpr std::uint8_t kVersionBits = 0x80;  // V=2, P=0
constexpr std::size_t kWordSize = 4;

}  // namespace

bool isRtcpFeedback(const RtcpHeader& header, RtcpPacketType type, std::uint8_t fmt) noexcept {
  return header.is(type) && header.count == fmt && header.body.size() >= kRtcpFeedbackHeaderSize;
}

void writeRtcpHeader(std::span<std::uint8_t> out, std::uint8_t count, RtcpPacketType type,
                     std::size_t size) noexcept {
  out[0] = static_cast<std::uint8_t>(kVersionBits | count);
  out[1] = static_cast<std::uint8_t>(type);
  storeBe16(out, 2, static_cast<std::uint16_t>(size / kWordSize - 1));
}

void writeRtcpFeedbackHeader(std::span<std::uint8_t> out, std::uint8_t fmt, RtcpPacketType type,
                             std::size_t size, std::uint32_t senderSsrc,
                             std::uint32_t mediaSsrc) noexcept {
  writeRtcpHeader(out, fmt, type, size);
  storeBe32(out, kRtcpHeaderSize, senderSsrc);
  storeBe32(out, kRtcpHeaderSize + 4, mediaSsrc);
}

}  // namespace chorus::media
