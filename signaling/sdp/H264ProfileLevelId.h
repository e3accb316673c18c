#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace chorus::signaling {

// The H.264 profiles RFC 6184 §8.1 (Table 5) tells apart by profile_idc and profile-iop.
enum class H264Profile : std::uint8_t {
  kConstrainedBaseline,
  kBaseline,
  kMain,
  kExtended,
  kHigh,
};

// fmtp profile-level-id (RFC 6184 §8.1): three bytes in hex, profile_idc, profile-iop (the
// constraint_set flags) and level_idc ("42e01f": Constrained Baseline, level 3.1).
struct H264ProfileLevelId {
  H264Profile profile = H264Profile::kConstrainedBaseline;
  std::uint8_t level = 0;

  // Nothing when the text is not six hex digits or names a profile Table 5 does not list.
  static std::optional<H264ProfileLevelId> parse(std::string_view text) noexcept;
};

}  // namespace chorus::signaling
