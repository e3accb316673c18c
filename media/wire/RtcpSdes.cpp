#include "media/wire/RtcpSdes.h"

#include <algorithm>

#include "media/wire/ByteOrder.h"

namespace chorus::media {
namespace {

constexpr std::size_t kSsrcSize = 4;
constexpr std::uint8_t kEndItem = 0;
constexpr std::size_t kItemHeaderSize = 2;
constexpr std::size_t kMaxItemText = 255;

// Where the chunk starting at `offset` ends (its null item and padding included), or nothing if
// it runs past the body.
std::optional<std::size_t> chunkEnd(std::span<const std::uint8_t> body,
                                    std::size_t offset) noexcept {
  if (body.size() - offset < kSsrcSize) {
    return std::nullopt;
  }
  offset += kSsrcSize;
  while (offset < body.size()) {
    if (body[offset] == kEndItem) {
      // RFC 3550 §6.5: the null item, then null bytes up to the next 32-bit boundary.
      const std::size_t end = rtcpPaddedSize(offset + 1);
      return end <= body.size() ? std::optional(end) : std::nullopt;
    }
    if (body.size() - offset < kItemHeaderSize ||
        body[offset + 1] > body.size() - offset - kItemHeaderSize) {
      return std::nullopt;
    }
    offset += kItemHeaderSize + body[offset + 1];
  }
  return std::nullopt;
}

std::string_view textAt(std::span<const std::uint8_t> body, std::size_t offset,
                        std::size_t size) noexcept {
  return {reinterpret_cast<const char*>(body.data() + offset), size};
}

}  // namespace

std::optional<RtcpSdes> RtcpSdes::parse(const RtcpHeader& header) noexcept {
  if (!header.is(RtcpPacketType::kSourceDescription)) {
    return std::nullopt;
  }
  std::size_t offset = 0;
  for (std::size_t chunk = 0; chunk < header.count; ++chunk) {
    const auto end = chunkEnd(header.body, offset);
    if (!end) {
      return std::nullopt;
    }
    offset = *end;
  }
  if (offset != header.body.size()) {
    return std::nullopt;
  }
  return RtcpSdes(header.body, header.count);
}

std::optional<std::size_t> RtcpSdes::buildCname(std::span<std::uint8_t> out, std::uint32_t ssrc,
                                                std::string_view cname) noexcept {
  const std::size_t itemsEnd = kRtcpHeaderSize + kSsrcSize + kItemHeaderSize + cname.size();
  const std::size_t size = rtcpPaddedSize(itemsEnd + 1);
  if (cname.size() > kMaxItemText || size > out.size()) {
    return std::nullopt;
  }
  writeRtcpHeader(out, 1, RtcpPacketType::kSourceDescription, size);
  storeBe32(out, kRtcpHeaderSize, ssrc);
  out[kRtcpHeaderSize + kSsrcSize] = kCnameItem;
  out[kRtcpHeaderSize + kSsrcSize + 1] = static_cast<std::uint8_t>(cname.size());
  std::copy(cname.begin(), cname.end(),
            out.subspan(kRtcpHeaderSize + kSsrcSize + kItemHeaderSize).begin());
  const auto tail = out.subspan(itemsEnd, size - itemsEnd);
  std::fill(tail.begin(), tail.end(), kEndItem);
  return size;
}

std::optional<RtcpSdesChunk> RtcpSdes::ChunkCursor::next() noexcept {
  if (offset_ == body_.size()) {
    return std::nullopt;
  }
  RtcpSdesChunk chunk{.ssrc = loadBe32(body_, offset_), .cname = {}};
  std::size_t offset = offset_ + kSsrcSize;
  while (body_[offset] != kEndItem) {
    const std::size_t length = body_[offset + 1];
    if (body_[offset] == kCnameItem && chunk.cname.empty()) {
      chunk.cname = textAt(body_, offset + kItemHeaderSize, length);
    }
    offset += kItemHeaderSize + length;
  }
  offset_ = rtcpPaddedSize(offset + 1);
  return chunk;
}

}  // namespace chorus::media
