#include "media/wire/RtcpPli.h"

#include "media/wire/ByteOrder.h"

namespace chorus::media {

std::optional<RtcpPli> RtcpPli::parse(const RtcpHeader& header) noexcept {
  if (!isRtcpFeedback(header, RtcpPacketType::kPayloadFeedback, kFormat) ||
      header.body.size() != kRtcpFeedbackHeaderSize) {
    return std::nullopt;
  }
  return RtcpPli(header.body);
}

std::optional<std::size_t> RtcpPli::build(std::span<std::uint8_t> out, std::uint32_t senderSsrc,
                                          std::uint32_t mediaSsrc) noexcept {
  if (out.size() < kSize) {
    return std::nullopt;
  }
  writeRtcpFeedbackHeader(out, kFormat, RtcpPacketType::kPayloadFeedback, kSize, senderSsrc,
                          mediaSsrc);
  return kSize;
}

std::uint32_t RtcpPli::senderSsrc() const noexcept {
  return loadBe32(body_, 0);
}

std::uint32_t RtcpPli::mediaSsrc() const noexcept {
  return loadBe32(body_, 4);
}

}  // namespace chorus::media
