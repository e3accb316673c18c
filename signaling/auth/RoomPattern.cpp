#include "signaling/auth/RoomPattern.h"

namespace chorus::signaling {

std::optional<RoomPattern> RoomPattern::parse(std::string_view text) {
  if (text.empty() || text.size() > kMaxBytes) {
    return std::nullopt;
  }
  const std::size_t wildcard = text.find(kWildcard);
  if (wildcard != std::string_view::npos && wildcard != text.size() - 1) {
    return std::nullopt;
  }
  return RoomPattern(std::string(text), wildcard != std::string_view::npos);
}

bool RoomPattern::matches(std::string_view roomId) const noexcept {
  if (!prefix_) {
    return roomId == text_;
  }
  return roomId.starts_with(std::string_view(text_).substr(0, text_.size() - 1));
}

}  // namespace chorus::signaling
