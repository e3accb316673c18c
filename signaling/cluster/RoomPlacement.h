#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signaling/cluster/NodeState.h"

namespace chorus::signaling {

// Which node of a cluster a room belongs on, as one node sees it (docs/architecture.md,
// "Several nodes"). A room lives on one node until rooms can span nodes, so every node must
// send a room's joins to the same place, from what it knows alone:
//   1. a ready node that already hosts the room keeps it (a node joining the cluster does not
//      take rooms away from where their participants are);
//   2. otherwise rendezvous hashing (highest random weight) over the ready nodes: every node
//      computes the same owner from the same list, and a node coming or going moves only the
//      rooms it wins or held.
// Among several ready hosts (a room split by a race) the one with the highest weight wins, so
// later joins converge on one of them. A node that is not ready (starting, draining,
// unreachable) owns nothing. Pure: the caller supplies the peers' states and its own.
class RoomPlacement {
 public:
  // This node, now.
  struct Self {
    bool ready = false;      // accepting joins (false while starting or draining)
    bool hostsRoom = false;  // the room exists here
  };

  explicit RoomPlacement(std::string selfUrl);

  const std::string& selfUrl() const noexcept { return selfUrl_; }
  // The other nodes as last probed; an unreachable one is given as not ready.
  void setPeers(std::vector<NodeState> peers);
  const std::vector<NodeState>& peers() const noexcept { return peers_; }

  // The advertise_url of the node that should host `roomId`, which may be selfUrl(); nothing
  // when no node, this one included, is ready.
  std::optional<std::string> owner(std::string_view roomId, Self self) const;

  // The first 8 bytes, big-endian, of SHA-256(url || 0x00 || roomId): the node's weight for the
  // room. Documented so any tool can compute where a room goes.
  static std::uint64_t weight(std::string_view url, std::string_view roomId);

 private:
  std::string selfUrl_;
  std::vector<NodeState> peers_;
};

}  // namespace chorus::signaling
