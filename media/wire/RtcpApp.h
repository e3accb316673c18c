#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "media/wire/RtcpHeader.h"

namespace chorus::media {

// An application-defined packet, PT=204 (RFC 3550 §6.7):
//
//   |V=2|P| subtype |   PT=APP=204  |             length            |
//   |                           SSRC/CSRC                           |
//   |                          name (ASCII)                         |
//   |                   application-dependent data ...              |
class RtcpApp {
 public:
  static constexpr std::size_t kNameSize = 4;

  // Nothing unless `header` is an APP with room for its SSRC and name.
  static std::optional<RtcpApp> parse(const RtcpHeader& header) noexcept;

  // Writes an APP at the start of `out`; its size, or nothing if it does not fit, `subtype` is
  // above 31, `name` is not 4 bytes or `data` is not a whole number of 32-bit words.
  static std::optional<std::size_t> build(std::span<std::uint8_t> out, std::uint8_t subtype,
                                          std::uint32_t ssrc, std::string_view name,
                                          std::span<const std::uint8_t> data) noexcept;

  std::uint8_t subtype() const noexcept { return subtype_; }
  std::uint32_t ssrc() const noexcept;
  std::string_view name() const noexcept;
  std::span<const std::uint8_t> data() const noexcept { return body_.subspan(4 + kNameSize); }

 private:
  RtcpApp(std::span<const std::uint8_t> body, std::uint8_t subtype) noexcept
      : body_(body), subtype_(subtype) {}

  std::span<const std::uint8_t> body_;
  std::uint8_t subtype_;
};

}  // namespace chorus::media
