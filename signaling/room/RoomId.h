#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace chorus::signaling {

// Why a room id or display name was refused (docs/signaling.md, "Model").
enum class TextCheck : std::uint8_t {
  kValid,
  kEmpty,
  kTooLong,  // more than the allowed code points
  kInvalid,  // not UTF-8, or a character outside the allowed set
};

// Room ids are counted in Unicode code points, as the client API counts them.
inline constexpr std::size_t kMaxRoomIdCodePoints = 64;
inline constexpr std::size_t kMaxDisplayNameCodePoints = 64;

// A room id: 1 to 64 code points of letters, marks, digits, punctuation and symbols (Unicode
// general categories L, M, N, P, S), except '*', which room patterns reserve as a wildcard.
TextCheck checkRoomId(std::string_view id);

// A display name: like a room id, and spaces (U+0020) are allowed between words; '*' is fine.
TextCheck checkDisplayName(std::string_view name);

// The number of code points in valid UTF-8; nothing when the bytes are not valid UTF-8.
std::optional<std::size_t> countCodePoints(std::string_view text);

}  // namespace chorus::signaling
