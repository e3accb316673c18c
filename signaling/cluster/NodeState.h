#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chorus::signaling {

// What one chorusd node tells its peers about itself at GET /cluster/state
// (docs/signaling.md, "Several nodes"): where clients reach it, whether it takes joins, and the
// rooms it hosts.
struct NodeState {
  std::string url;  // cluster.advertise_url: the WebSocket URL clients reach the node's /ws at
  bool ready = false;
  std::vector<std::string> rooms;  // sorted, so hosts() is a binary search

  bool hosts(std::string_view roomId) const;
};

// {"advertise_url":"wss://...","ready":true,"rooms":["a","b"]}
std::string serialize(const NodeState& state);

// A peer's answer; nothing when it is not that shape (a peer of another version, a proxy's error
// page). The rooms come back sorted.
std::optional<NodeState> parseNodeState(std::string_view text);

}  // namespace chorus::signaling
