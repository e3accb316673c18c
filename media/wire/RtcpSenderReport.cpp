#include "media/wire/RtcpSenderReport.h"

#include "media/wire/ByteOrder.h"

namespace chorus::media {

std::optional<RtcpSenderReport> RtcpSenderReport::parse(const RtcpHeader& header) noexcept {
  if (!header.is(RtcpPacketType::kSenderReport) ||
      header.body.size() < kSenderInfoSize + kRtcpReportBlockSize * header.count) {
    return std::nullopt;
  }
  return RtcpSenderReport(header.body, header.count);
}

std::optional<std::size_t> RtcpSenderReport::build(
    std::span<std::uint8_t> out, const RtcpSenderInfo& info,
    std::span<const RtcpReportBlock> blocks) noexcept {
  const std::size_t size = kRtcpHeaderSize + kSenderInfoSize + kRtcpReportBlockSize * blocks.size();
  if (blocks.size() > kRtcpMaxCount || size > out.size()) {
    return std::nullopt;
  }
  writeRtcpHeader(out, static_cast<std::uint8_t>(blocks.size()), RtcpPacketType::kSenderReport,
                  size);
  storeBe32(out, 4, info.ssrc);
  storeBe64(out, 8, info.ntpTimestamp);
  storeBe32(out, 16, info.rtpTimestamp);
  storeBe32(out, 20, info.packetCount);
  storeBe32(out, 24, info.octetCount);
  std::size_t at = kRtcpHeaderSize + kSenderInfoSize;
  for (const RtcpReportBlock& block : blocks) {
    writeRtcpReportBlock(out, at, block);
    at += kRtcpReportBlockSize;
  }
  return size;
}

RtcpSenderInfo RtcpSenderReport::senderInfo() const noexcept {
  return RtcpSenderInfo{
      .ssrc = loadBe32(body_, 0),
      .ntpTimestamp = loadBe64(body_, 4),
      .rtpTimestamp = loadBe32(body_, 12),
      .packetCount = loadBe32(body_, 16),
      .octetCount = loadBe32(body_, 20),
  };
}

RtcpReportBlock RtcpSenderReport::reportBlock(std::size_t index) const noexcept {
  return readRtcpReportBlock(body_, kSenderInfoSize + kRtcpReportBlockSize * index);
}

}  // namespace chorus::media
