#include "signaling/room/RoomId.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

namespace chorus::signaling {

namespace {

// ICU's categories are bit masks (U_GC_*_MASK), so a set of categories is one test.
constexpr std::uint32_t kPrintableCategories =
    U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK | U_GC_P_MASK | U_GC_S_MASK;

TextCheck check(std::string_view text, std::size_t maxCodePoints, bool spaces, bool star) {
  if (text.empty()) {
    return TextCheck::kEmpty;
  }
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int32_t>(text.size());
  std::int32_t offset = 0;
  std::size_t count = 0;
  bool invalid = false;
  while (offset < length) {
    UChar32 codePoint = 0;
    U8_NEXT(bytes, offset, length, codePoint);
    ++count;
    const bool allowed =
        codePoint >= 0 &&
        ((U_GET_GC_MASK(codePoint) & kPrintableCategories) != 0 || (spaces && codePoint == U' ')) &&
        (star || codePoint != U'*');
    invalid = invalid || !allowed;
  }
  // Too long wins over invalid: the length is what a client checks first and can fix.
  if (count > maxCodePoints) {
    return TextCheck::kTooLong;
  }
  return invalid ? TextCheck::kInvalid : TextCheck::kValid;
}

}  // namespace

TextCheck checkRoomId(std::string_view id) {
  return check(id, kMaxRoomIdCodePoints, false, false);
}

TextCheck checkDisplayName(std::string_view name) {
  if (!name.empty() && (name.front() == ' ' || name.back() == ' ')) {
    return TextCheck::kInvalid;
  }
  return check(name, kMaxDisplayNameCodePoints, true, true);
}

std::optional<std::size_t> countCodePoints(std::string_view text) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int32_t>(text.size());
  std::int32_t offset = 0;
  std::size_t count = 0;
  while (offset < length) {
    UChar32 codePoint = 0;
    U8_NEXT(bytes, offset, length, codePoint);
    if (codePoint < 0) {
      return std::nullopt;
    }
    ++count;
  }
  return count;
}

}  // namespace chorus::signaling
