#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "media/wire/RtcpHeader.h"

namespace chorus::media {

// A goodbye packet, PT=203 (RFC 3550 §6.6):
//
//   |V=2|P|    SC   |   PT=BYE=203  |             length            |
//   |                           SSRC/CSRC (SC of them)              |
//   |     length    |               reason for leaving ...  (opt)   |
class RtcpBye {
 public:
  static constexpr std::size_t kMaxReasonSize = 255;

  // Nothing unless `header` is a BYE holding SC SSRCs and, if anything follows them, a reason
  // whose length byte stays inside the body (null padding may follow it).
  static std::optional<RtcpBye> parse(const RtcpHeader& header) noexcept;

  // Writes a BYE at the start of `out`; its size, or nothing if it does not fit, there are more
  // than 31 SSRCs, or `reason` is longer than 255 bytes. An empty reason is left out.
  static std::optional<std::size_t> build(std::span<std::uint8_t> out,
                                          std::span<const std::uint32_t> ssrcs,
                                          std::string_view reason) noexcept;

  std::size_t ssrcCount() const noexcept { return ssrcCount_; }
  // Precondition: index < ssrcCount().
  std::uint32_t ssrc(std::size_t index) const noexcept;
  std::string_view reason() const noexcept { return reason_; }

 private:
  RtcpBye(std::span<const std::uint8_t> body, std::size_t ssrcCount,
          std::string_view reason) noexcept
      : body_(body), ssrcCount_(ssrcCount), reason_(reason) {}

  std::span<const std::uint8_t> body_;
  std::size_t ssrcCount_;
  std::string_view reason_;
};

}  // namespace chorus::media
