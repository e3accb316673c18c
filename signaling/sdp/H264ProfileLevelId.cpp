#include "signaling/sdp/H264ProfileLevelId.h"

#include <array>
#include <charconv>

namespace chorus::signaling {
namespace {

// One row of RFC 6184 §8.1 Table 5: a profile_idc and a profile-iop bit pattern, most
// significant bit (constraint_set0_flag) first, 'x' for "either".
struct ProfilePattern {
  std::uint8_t profileIdc;
  std::string_view iopBits;
  H264Profile profile;

  bool matches(std::uint8_t idc, std::uint8_t iop) const noexcept {
    if (idc != profileIdc) {
      return false;
    }
    for (std::size_t bit = 0; bit < 8; ++bit) {
      const bool set = ((iop >> (7 - bit)) & 1U) != 0;
      if ((iopBits[bit] == '1' && !set) || (iopBits[bit] == '0' && set)) {
        return false;
      }
    }
    return true;
  }
};

// The rows are disjoint: at most one matches. Constrained High (RFC 6184 predates it) is not
// listed, so "640c1f" parses to nothing.
constexpr std::array<ProfilePattern, 8> kPatterns{{
    {0x42, "x1xx0000", H264Profile::kConstrainedBaseline},
    {0x4D, "1xxx0000", H264Profile::kConstrainedBaseline},
    {0x58, "11xx0000", H264Profile::kConstrainedBaseline},
    {0x42, "x0xx0000", H264Profile::kBaseline},
    {0x58, "10xx0000", H264Profile::kBaseline},
    {0x4D, "0x0x0000", H264Profile::kMain},
    {0x58, "00xx0000", H264Profile::kExtended},
    {0x64, "00000000", H264Profile::kHigh},
}};

}  // namespace

std::optional<H264ProfileLevelId> H264ProfileLevelId::parse(std::string_view text) noexcept {
  if (text.size() != 6) {
    return std::nullopt;
  }
  std::uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (error != std::errc{} || end != text.data() + text.size() || text.front() == '-' ||
      text.front() == '+') {
    return std::nullopt;
  }
  const auto idc = static_cast<std::uint8_t>(value >> 16U);
  const auto iop = static_cast<std::uint8_t>(value >> 8U);
  const auto level = static_cast<std::uint8_t>(value);
  for (const auto& pattern : kPatterns) {
    if (pattern.matches(idc, iop)) {
      return H264ProfileLevelId{pattern.profile, level};
    }
  }
  return std::nullopt;
}

}  // namespace chorus::signaling
