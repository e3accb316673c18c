#include "media/wire/RtcpApp.h"

#include <algorithm>

#include "media/wire/ByteOrder.h"

namespace chorus::media {
namespace {

constexpr std::size_t kSsrcSize = 4;
constexpr std::size_t kFixedSize = kSsrcSize + RtcpApp::kNameSize;

}  // namespace

std::optional<RtcpApp> RtcpApp::parse(const RtcpHeader& header) noexcept {
  if (!header.is(RtcpPacketType::kApp) || header.body.size() < kFixedSize) {
    return std::nullopt;
  }
  return RtcpApp(header.body, header.count);
}

std::optional<std::size_t> RtcpApp::build(std::span<std::uint8_t> out, std::uint8_t subtype,
                                          std::uint32_t ssrc, std::string_view name,
                                          std::span<const std::uint8_t> data) noexcept {
  const std::size_t size = kRtcpHeaderSize + kFixedSize + data.size();
  if (subtype > kRtcpMaxCount || name.size() != kNameSize || data.size() % 4 != 0 ||
      size > out.size() || size > kRtcpMaxPacketSize) {
    return std::nullopt;
  }
  writeRtcpHeader(out, subtype, RtcpPacketType::kApp, size);
  storeBe32(out, kRtcpHeaderSize, ssrc);
  std::copy(name.begin(), name.end(), out.begin() + kRtcpHeaderSize + kSsrcSize);
  std::copy(data.begin(), data.end(), out.begin() + kRtcpHeaderSize + kFixedSize);
  return size;
}

std::uint32_t RtcpApp::ssrc() const noexcept {
  return loadBe32(body_, 0);
}

std::string_view RtcpApp::name() const noexcept {
  return {reinterpret_cast<const char*>(body_.data() + kSsrcSize), kNameSize};
}

}  // namespace chorus::media
