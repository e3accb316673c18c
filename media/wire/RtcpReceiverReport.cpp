#include "media/wire/RtcpReceiverReport.h"

#include "media/wire/ByteOrder.h"

namespace chorus::media {
namespace {

constexpr std::size_t kSsrcSize = 4;

}  // namespace

std::optional<RtcpReceiverReport> RtcpReceiverReport::parse(const RtcpHeader& header) noexcept {
  if (!header.is(RtcpPacketType::kReceiverReport) ||
      header.body.size() < kSsrcSize + kRtcpReportBlockSize * header.count) {
    return std::nullopt;
  }
  return RtcpReceiverReport(header.body, header.count);
}

std::optional<std::size_t> RtcpReceiverReport::build(
    std::span<std::uint8_t> out, std::uint32_t senderSsrc,
    std::span<const RtcpReportBlock> blocks) noexcept {
  const std::size_t size = kRtcpHeaderSize + kSsrcSize + kRtcpReportBlockSize * blocks.size();
  if (blocks.size() > kRtcpMaxCount || size > out.size()) {
    return std::nullopt;
  }
  writeRtcpHeader(out, static_cast<std::uint8_t>(blocks.size()), RtcpPacketType::kReceiverReport,
                  size);
  storeBe32(out, kRtcpHeaderSize, senderSsrc);
  std::size_t at = kRtcpHeaderSize + kSsrcSize;
  for (const RtcpReportBlock& block : blocks) {
    writeRtcpReportBlock(out, at, block);
    at += kRtcpReportBlockSize;
  }
  return size;
}

std::uint32_t RtcpReceiverReport::senderSsrc() const noexcept {
  return loadBe32(body_, 0);
}

RtcpReportBlock RtcpReceiverReport::reportBlock(std::size_t index) const noexcept {
  return readRtcpReportBlock(body_, kSsrcSize + kRtcpReportBlockSize * index);
}

}  // namespace chorus::media
