#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "media/wire/RtcpHeader.h"

namespace chorus::media {

// One full intra request entry (RFC 5104 §4.3.1.1): the media sender asked for a decoder
// refresh, and the command's sequence number (incremented per new request, §4.3.1.2).
struct RtcpFirEntry {
  std::uint32_t ssrc = 0;
  std::uint8_t sequenceNumber = 0;

  friend bool operator==(const RtcpFirEntry&, const RtcpFirEntry&) = default;
};

// A full intra request, PSFB (PT=206) with FMT=4 (RFC 5104 §4.3.1):
//
//   |V=2|P| FMT=4   |   PT=206      |          length               |
//   |                  SSRC of packet sender                        |
//   |             SSRC of media source (unused, 0)                  |
//   |                              SSRC                             |  one or more
//   | Seq nr.       |    Reserved                                   |
class RtcpFir {
 public:
  static constexpr std::uint8_t kFormat = 4;
  static constexpr std::size_t kEntrySize = 8;

  // Nothing unless `header` is a FIR with one or more whole entries.
  static std::optional<RtcpFir> parse(const RtcpHeader& header) noexcept;

  // Writes a FIR at the start of `out` (media source SSRC 0, reserved bits 0, as §4.3.1.2
  // requires); its size, or nothing if it does not fit or `entries` is empty.
  static std::optional<std::size_t> build(std::span<std::uint8_t> out, std::uint32_t senderSsrc,
                                          std::span<const RtcpFirEntry> entries) noexcept;

  std::uint32_t senderSsrc() const noexcept;
  std::size_t entryCount() const noexcept { return entryCount_; }
  // Precondition: index < entryCount().
  RtcpFirEntry entry(std::size_t index) const noexcept;

 private:
  RtcpFir(std::span<const std::uint8_t> body, std::size_t entryCount) noexcept
      : body_(body), entryCount_(entryCount) {}

  std::span<const std::uint8_t> body_;
  std::size_t entryCount_;
};

}  // namespace chorus::media
