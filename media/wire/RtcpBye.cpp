#include "media/wire/RtcpBye.h"

#include <algorithm>

#include "media/wire/ByteOrder.h"

namespace chorus::media {
namespace {

constexpr std::size_t kSsrcSize = 4;

}  // namespace

std::optional<RtcpBye> RtcpBye::parse(const RtcpHeader& header) noexcept {
  const std::size_t ssrcsSize = kSsrcSize * header.count;
  if (!header.is(RtcpPacketType::kBye) || header.body.size() < ssrcsSize) {
    return std::nullopt;
  }
  std::string_view reason;
  if (header.body.size() > ssrcsSize) {
    const std::size_t length = header.body[ssrcsSize];
    if (length > header.body.size() - ssrcsSize - 1) {
      return std::nullopt;
    }
    reason = {reinterpret_cast<const char*>(header.body.data() + ssrcsSize + 1), length};
  }
  return RtcpBye(header.body, header.count, reason);
}

std::optional<std::size_t> RtcpBye::build(std::span<std::uint8_t> out,
                                          std::span<const std::uint32_t> ssrcs,
                                          std::string_view reason) noexcept {
  const std::size_t ssrcsEnd = kRtcpHeaderSize + kSsrcSize * ssrcs.size();
  const std::size_t contentEnd = reason.empty() ? ssrcsEnd : ssrcsEnd + 1 + reason.size();
  const std::size_t size = rtcpPaddedSize(contentEnd);
  if (ssrcs.size() > kRtcpMaxCount || reason.size() > kMaxReasonSize || size > out.size()) {
    return std::nullopt;
  }
  writeRtcpHeader(out, static_cast<std::uint8_t>(ssrcs.size()), RtcpPacketType::kBye, size);
  std::size_t at = kRtcpHeaderSize;
  for (const std::uint32_t ssrc : ssrcs) {
    storeBe32(out, at, ssrc);
    at += kSsrcSize;
  }
  if (!reason.empty()) {
    out[at] = static_cast<std::uint8_t>(reason.size());
    std::copy(reason.begin(), reason.end(), out.begin() + static_cast<std::ptrdiff_t>(at + 1));
  }
  std::fill(out.begin() + static_cast<std::ptrdiff_t>(contentEnd),
            out.begin() + static_cast<std::ptrdiff_t>(size), 0);
  return size;
}

std::uint32_t RtcpBye::ssrc(std::size_t index) const noexcept {
  return loadBe32(body_, kSsrcSize * index);
}

}  // namespace chorus::media
