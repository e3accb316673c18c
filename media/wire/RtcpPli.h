#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "media/wire/RtcpHeader.h"

namespace chorus::media {

// A picture loss indication, PSFB (PT=206) with FMT=1 and no FCI (RFC 4585 §6.3.1):
//
//   |V=2|P| FMT=1   |   PT=206      |          length=2             |
//   |                  SSRC of packet sender                        |
//   |                  SSRC of media source                         |
class RtcpPli {
 public:
  static constexpr std::uint8_t kFormat = 1;
  static constexpr std::size_t kSize = kRtcpHeaderSize + kRtcpFeedbackHeaderSize;

  // Nothing unless `header` is a PLI whose body is exactly the two SSRCs.
  static std::optional<RtcpPli> parse(const RtcpHeader& header) noexcept;

  // Writes a PLI at the start of `out`; its size (12), or nothing if it does not fit.
  static std::optional<std::size_t> build(std::span<std::uint8_t> out, std::uint32_t senderSsrc,
                                          std::uint32_t mediaSsrc) noexcept;

  std::uint32_t senderSsrc() const noexcept;
  std::uint32_t mediaSsrc() const noexcept;

 private:
  explicit RtcpPli(std::span<const std::uint8_t> body) noexcept : body_(body) {}

  std::span<const std::uint8_t> body_;
};

}  // namespace chorus::media
