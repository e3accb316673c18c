#include "signaling/room/Room.h"

namespace chorus::signaling {

std::string_view toString(RoomKind kind) noexcept {
  return kind == RoomKind::kGroup ? "group" : "conference";
}

std::optional<RoomKind> roomKindFrom(std::string_view text) noexcept {
  if (text == "conference") {
    return RoomKind::kConference;
  }
  if (text == "group") {
    return RoomKind::kGroup;
  }
  return std::nullopt;
}

}  // namespace chorus::signaling
