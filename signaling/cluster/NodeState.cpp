#include "signaling/cluster/NodeState.h"

#include <algorithm>

#include <boost/json.hpp>

namespace chorus::signaling {
namespace json = boost::json;

bool NodeState::hosts(std::string_view roomId) const {
  return std::binary_search(rooms.begin(), rooms.end(), roomId);
}

std::string serialize(const NodeState& state) {
  json::array rooms;
  rooms.reserve(state.rooms.size());
  for (const std::string& room : state.rooms) {
    rooms.emplace_back(room);
  }
  json::object object;
  object["advertise_url"] = state.url;
  object["ready"] = state.ready;
  object["rooms"] = std::move(rooms);
  return json::serialize(object);
}

std::optional<NodeState> parseNodeState(std::string_view text) {
  json::error_code error;
  const json::value value = json::parse(text, error);
  const json::object* object = error ? nullptr : value.if_object();
  if (object == nullptr) {
    return std::nullopt;
  }
  const json::value* url = object->if_contains("advertise_url");
  const json::value* ready = object->if_contains("ready");
  const json::value* rooms = object->if_contains("rooms");
  if (url == nullptr || !url->is_string() || url->get_string().empty() || ready == nullptr ||
      !ready->is_bool() || rooms == nullptr || !rooms->is_array()) {
    return std::nullopt;
  }
  NodeState state;
  state.url = std::string(url->get_string());
  state.ready = ready->get_bool();
  state.rooms.reserve(rooms->get_array().size());
  for (const json::value& room : rooms->get_array()) {
    if (!room.is_string()) {
      return std::nullopt;
    }
    state.rooms.emplace_back(room.get_string());
  }
  std::sort(state.rooms.begin(), state.rooms.end());
  return state;
}

}  // namespace chorus::signaling
