#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "media/wire/RtcpHeader.h"

namespace chorus::media {

// A receiver estimated maximum bitrate, PSFB (PT=206) with FMT=15, the application layer
// feedback format (draft-alvestrand-rmcat-remb-03 §2.2):
//
//   |V=2|P| FMT=15  |   PT=206      |             length            |
//   |                  SSRC of packet sender                        |
//   |                  SSRC of media source (0)                     |
//   |  Unique identifier 'R' 'E' 'M' 'B'                            |
//   |  Num SSRC     | BR Exp    |  BR Mantissa                      |
//   |   SSRC feedback (Num SSRC of them)                            |
//
// The bitrate is mantissa * 2^exp bits per second.
class RtcpRemb {
 public:
  static constexpr std::uint8_t kFormat = 15;
  static constexpr std::size_t kMaxSsrcs = 255;

  // Nothing unless `header` is an FMT 15 PSFB carrying the 'REMB' identifier, exactly Num SSRC
  // SSRCs, and a bitrate that fits in 64 bits.
  static std::optional<RtcpRemb> parse(const RtcpHeader& header) noexcept;

  // Writes a REMB at the start of `out` with the smallest exponent whose 18-bit mantissa holds
  // `bitrateBps` (rounding down, so the estimate is never overstated); its size, or nothing if
  // it does not fit or there are more than 255 SSRCs.
  static std::optional<std::size_t> build(std::span<std::uint8_t> out, std::uint32_t senderSsrc,
                                          std::uint64_t bitrateBps,
                                          std::span<const std::uint32_t> ssrcs) noexcept;

  std::uint32_t senderSsrc() const noexcept;
  std::uint64_t bitrateBps() const noexcept { return bitrateBps_; }
  std::size_t ssrcCount() const noexcept { return ssrcCount_; }
  // Precondition: index < ssrcCount().
  std::uint32_t ssrc(std::size_t index) const noexcept;

 private:
  RtcpRemb(std::span<const std::uint8_t> body, std::uint64_t bitrateBps,
           std::size_t ssrcCount) noexcept
      : body_(body), bitrateBps_(bitrateBps), ssrcCount_(ssrcCount) {}

  std::span<const std::uint8_t> body_;
  std::uint64_t bitrateBps_;
  std::size_t ssrcCount_;
};

}  // namespace chorus::media
