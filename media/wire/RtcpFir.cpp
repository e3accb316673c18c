#include "media/wire/RtcpFir.h"

#include "media/wire/ByteOrder.h"

namespace chorus::media {
namespace {

constexpr std::size_t kEntriesOffset = kRtcpHeaderSize + kRtcpFeedbackHeaderSize;

}  // namespace

std::optional<RtcpFir> RtcpFir::parse(const RtcpHeader& header) noexcept {
  if (!isRtcpFeedback(header, RtcpPacketType::kPayloadFeedback, kFormat)) {
    return std::nullopt;
  }
  const std::size_t entriesSize = header.body.size() - kRtcpFeedbackHeaderSize;
  if (entriesSize == 0 || entriesSize % kEntrySize != 0) {
    return std::nullopt;
  }
  return RtcpFir(header.body, entriesSize / kEntrySize);
}

std::optional<std::size_t> RtcpFir::build(std::span<std::uint8_t> out, std::uint32_t senderSsrc,
                                          std::span<const RtcpFirEntry> entries) noexcept {
  const std::size_t size = kEntriesOffset + kEntrySize * entries.size();
  if (entries.empty() || size > out.size() || size > kRtcpMaxPacketSize) {
    return std::nullopt;
  }
  writeRtcpFeedbackHeader(out, kFormat, RtcpPacketType::kPayloadFeedback, size, senderSsrc, 0);
  std::size_t at = kEntriesOffset;
  for (const RtcpFirEntry& entry : entries) {
    storeBe32(out, at, entry.ssrc);
    storeBe32(out, at + 4, std::uint32_t{entry.sequenceNumber} << 24);
    at += kEntrySize;
  }
  return size;
}

std::uint32_t RtcpFir::senderSsrc() const noexcept {
  return loadBe32(body_, 0);
}

RtcpFirEntry RtcpFir::entry(std::size_t index) const noexcept {
  const std::size_t at = kRtcpFeedbackHeaderSize + kEntrySize * index;
  return {loadBe32(body_, at), body_[at + 4]};
}

}  // namespace chorus::media
