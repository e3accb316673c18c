#include "media/routing/RtxPacket.h"

#include <algorithm>

#include "media/wire/ByteOrder.h"

namespace chorus::media {

namespace {

constexpr std::uint8_t kPaddingBit = 0x20;

}  // namespace

std::optional<std::size_t> RtxPacket::wrap(const RtpPacketView& original,
                                           std::uint16_t originalSequence,
                                           std::span<std::uint8_t> out) noexcept {
  const auto bytes = original.bytes();
  const auto payload = original.payload();
  const std::size_t header = original.headerSize();
  const std::size_t size = header + kOsnSize + payload.size();
  if (size > out.size()) {
    return std::nullopt;
  }
  std::copy_n(bytes.begin(), header, out.begin());
  out[0] = static_cast<std::uint8_t>(out[0] & ~kPaddingBit);
  storeBe16(out, header, originalSequence);
  std::copy(payload.begin(), payload.end(), out.subspan(header + kOsnSize).begin());
  return size;
}

std::optional<std::size_t> RtxPacket::unwrap(RtpPacketView& rtx, std::uint32_t originalSsrc,
                                             std::uint8_t originalPayloadType) noexcept {
  const auto payload = rtx.payload();
  if (payload.size() < kOsnSize) {
    return std::nullopt;
  }
  const auto bytes = rtx.bytes();
  rtx.setSequenceNumber(loadBe16(payload, 0));
  rtx.setSsrc(originalSsrc);
  rtx.setPayloadType(originalPayloadType);
  // The payload and any padding after it move up over the OSN; the padding count stays last.
  const auto moved = bytes.subspan(rtx.headerSize() + kOsnSize);
  std::copy(moved.begin(), moved.end(), payload.begin());
  return bytes.size() - kOsnSize;
}

}  // namespace chorus::media
