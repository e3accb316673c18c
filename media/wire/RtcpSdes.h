#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "media/wire/RtcpHeader.h"

namespace chorus::media {

// One SDES chunk as Chorus reads it: the source and its CNAME (empty if the chunk has none).
struct RtcpSdesChunk {
  std::uint32_t ssrc = 0;
  std::string_view cname;
};

// A source description packet, PT=202 (RFC 3550 §6.5): SC chunks, each an SSRC followed by
// items (type, length, text) and ended by a null byte plus padding to the next 32-bit boundary:
//
//   |V=2|P|    SC   |  PT=SDES=202  |             length            |
//   |                          SSRC/CSRC_1                          |
//   |    CNAME=1    |     length    | user and domain name ...      |
//   |     ...       |  END=0        |  0 (pad to 32 bits)  ...      |
//   |                          SSRC/CSRC_2 ...                      |
class RtcpSdes {
 public:
  static constexpr std::uint8_t kCnameItem = 1;

  // Nothing unless `header` is an SDES whose SC chunks each fit, end with a null item, and
  // together fill the body exactly.
  static std::optional<RtcpSdes> parse(const RtcpHeader& header) noexcept;

  // Writes an SDES with one chunk holding one CNAME item at the start of `out`; its size, or
  // nothing if it does not fit or `cname` is longer than 255 bytes.
  static std::optional<std::size_t> buildCname(std::span<std::uint8_t> out, std::uint32_t ssrc,
                                               std::string_view cname) noexcept;

  std::size_t chunkCount() const noexcept { return chunkCount_; }

  // Walks the chunks in order:  for (auto it = sdes.chunks(); auto chunk = it.next();) { ... }
  class ChunkCursor {
   public:
    std::optional<RtcpSdesChunk> next() noexcept;

   private:
    friend class RtcpSdes;
    explicit ChunkCursor(std::span<const std::uint8_t> body) noexcept : body_(body) {}
    std::span<const std::uint8_t> body_;
    std::size_t offset_ = 0;
  };
  ChunkCursor chunks() const noexcept { return ChunkCursor(body_); }

 private:
  RtcpSdes(std::span<const std::uint8_t> body, std::size_t chunkCount) noexcept
      : body_(body), chunkCount_(chunkCount) {}

  std::span<const std::uint8_t> body_;
  std::size_t chunkCount_;
};

}  // namespace chorus::media
