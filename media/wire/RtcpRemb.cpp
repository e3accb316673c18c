#include "media/wire/RtcpRemb.h"

#include <limits>

#include "media/wire/ByteOrder.h"

namespace chorus::media {
namespace {

constexpr std::uint32_t kRembIdentifier = 0x52454d42;  // "REMB"
constexpr std::size_t kIdentifierOffset = kRtcpFeedbackHeaderSize;
constexpr std::size_t kBitrateOffset = kIdentifierOffset + 4;
constexpr std::size_t kSsrcsOffset = kBitrateOffset + 4;
constexpr std::size_t kSsrcSize = 4;
constexpr unsigned kMantissaBits = 18;
constexpr std::uint32_t kMantissaMask = (1U << kMantissaBits) - 1;

}  // namespace

std::optional<RtcpRemb> RtcpRemb::parse(const RtcpHeader& header) noexcept {
  if (!isRtcpFeedback(header, RtcpPacketType::kPayloadFeedback, kFormat) ||
      header.body.size() < kSsrcsOffset ||
      loadBe32(header.body, kIdentifierOffset) != kRembIdentifier) {
    return std::nullopt;
  }
  const std::uint32_t word = loadBe32(header.body, kBitrateOffset);
  const std::size_t ssrcCount = word >> 24;
  const unsigned exponent = (word >> kMantissaBits) & 0x3fU;
  const std::uint64_t mantissa = word & kMantissaMask;
  if (header.body.size() != kSsrcsOffset + kSsrcSize * ssrcCount ||
      mantissa > (std::numeric_limits<std::uint64_t>::max() >> exponent)) {
    return std::nullopt;
  }
  return RtcpRemb(header.body, mantissa << exponent, ssrcCount);
}

std::optional<std::size_t> RtcpRemb::build(std::span<std::uint8_t> out, std::uint32_t senderSsrc,
                                           std::uint64_t bitrateBps,
                                           std::span<const std::uint32_t> ssrcs) noexcept {
  const std::size_t size = kRtcpHeaderSize + kSsrcsOffset + kSsrcSize * ssrcs.size();
  if (ssrcs.size() > kMaxSsrcs || size > out.size()) {
    return std::nullopt;
  }
  unsigned exponent = 0;
  while ((bitrateBps >> exponent) > kMantissaMask) {
    ++exponent;
  }
  const auto mantissa = static_cast<std::uint32_t>(bitrateBps >> exponent);
  writeRtcpFeedbackHeader(out, kFormat, RtcpPacketType::kPayloadFeedback, size, senderSsrc, 0);
  storeBe32(out, kRtcpHeaderSize + kIdentifierOffset, kRembIdentifier);
  storeBe32(
      out, kRtcpHeaderSize + kBitrateOffset,
      (static_cast<std::uint32_t>(ssrcs.size()) << 24) | (exponent << kMantissaBits) | mantissa);
  std::size_t at = kRtcpHeaderSize + kSsrcsOffset;
  for (const std::uint32_t ssrc : ssrcs) {
    storeBe32(out, at, ssrc);
    at += kSsrcSize;
  }
  return size;
}

std::uint32_t RtcpRemb::senderSsrc() const noexcept {
  return loadBe32(body_, 0);
}

std::uint32_t RtcpRemb::ssrc(std::size_t index) const noexcept {
  return loadBe32(body_, kSsrcsOffset + kSsrcSize * index);
}

}  // namespace chorus::media
