#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace chorus::signaling {

// Where a room belongs when several chorusd nodes serve one deployment (docs/architecture.md,
// "Several nodes"). RoomRegistry asks it on every join; server/ implements it with the peers it
// probes. Without a cluster there is none, and every room is local.
class RoomLocator {
 public:
  virtual ~RoomLocator() = default;

  // The WebSocket URL of the node a join for `roomId` belongs on when that is another node;
  // nothing when it belongs here. `hostedHere`: the room exists on this node.
  virtual std::optional<std::string> elsewhere(std::string_view roomId, bool hostedHere) const = 0;

  // Where the participants of `roomId` should move when this node drains: the owner among the
  // other ready nodes, as if this one were gone; nothing when no other node is ready.
  virtual std::optional<std::string> successor(std::string_view roomId) const = 0;
};

}  // namespace chorus::signaling
