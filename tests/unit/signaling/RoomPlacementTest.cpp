// Where a cluster places rooms: rendezvous hashing is stable and spreads rooms, a ready node
// that hosts a room keeps it, a node that is not ready (starting, draining, unreachable) owns
// nothing, and several hosts resolve the same way whatever order the peers come in. Weights are
// checked against SHA-256 computed independently (sha256sum), not only against themselves.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "signaling/cluster/NodeState.h"
#include "signaling/cluster/RoomPlacement.h"

namespace chorus::signaling {
namespace {

constexpr std::string_view kA = "wss://chorus-a.example.com/ws";
constexpr std::string_view kB = "wss://chorus-b.example.com/ws";
constexpr std::string_view kC = "wss://chorus-c.example.com/ws";

NodeState node(std::string_view url, bool ready = true, std::vector<std::string> rooms = {}) {
  std::sort(rooms.begin(), rooms.end());
  return {std::string(url), ready, std::move(rooms)};
}

RoomPlacement placement(std::string_view self, std::vector<NodeState> peers) {
  RoomPlacement result{std::string(self)};
  result.setPeers(std::move(peers));
  return result;
}

constexpr RoomPlacement::Self kReady{.ready = true, .hostsRoom = false};

// The room ids 0..count-1 as text, a stand-in for many rooms.
std::vector<std::string> roomIds(int count) {
  std::vector<std::string> ids;
  ids.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    ids.push_back("room-" + std::to_string(i));
  }
  return ids;
}

TEST(RoomPlacementTest, WeightIsTheFirst64BitsOfSha256OfUrlNulRoom) {
  // printf 'wss://chorus-a.example.com/ws\0standup' | sha256sum
  //   → 8a065d2d82a425f9...
  EXPECT_EQ(RoomPlacement::weight(kA, "standup"), 0x8a065d2d82a425f9ULL);
  // printf 'a\0b' | sha256sum → 59b271ae1bbcb1d3...: the separator keeps ("a","b") apart
  // from ("a\0","b") and ("ab", "").
  EXPECT_EQ(RoomPlacement::weight("a", "b"), 0x59b271ae1bbcb1d3ULL);
}

TEST(RoomPlacementTest, EveryNodeComputesTheSameOwnerAndRoomsSpreadOverAll) {
  const auto fromA = placement(kA, {node(kB), node(kC)});
  const auto fromB = placement(kB, {node(kC), node(kA)});
  const auto fromC = placement(kC, {node(kA), node(kB)});
  std::map<std::string, int> perNode;
  for (const auto& room : roomIds(300)) {
    const auto owner = fromA.owner(room, kReady);
    ASSERT_TRUE(owner.has_value());
    EXPECT_EQ(owner, fromB.owner(room, kReady)) << room;
    EXPECT_EQ(owner, fromC.owner(room, kReady)) << room;
    ++perNode[*owner];
  }
  ASSERT_EQ(perNode.size(), 3U);
  for (const auto& [url, count] : perNode) {
    EXPECT_GT(count, 60) << url;  // 100 expected each; far from that means the hash is skewed
  }
}

TEST(RoomPlacementTest, ANodeLeavingMovesOnlyItsOwnRooms) {
  const auto three = placement(kA, {node(kB), node(kC)});
  const auto withoutC = placement(kA, {node(kB), node(kC, false)});
  int moved = 0;
  for (const auto& room : roomIds(200)) {
    const auto before = three.owner(room, kReady);
    const auto after = withoutC.owner(room, kReady);
    EXPECT_NE(after, std::string(kC));
    if (before != std::string(kC)) {
      EXPECT_EQ(before, after) << room;  // rendezvous: the others' rooms stay put
    } else {
      ++moved;
    }
  }
  EXPECT_GT(moved, 0);
}

TEST(RoomPlacementTest, AReadyNodeThatHostsTheRoomKeepsItOverTheHashWinner) {
  const auto ids = roomIds(50);
  // A room the hash gives to A, hosted on B: B keeps it, as seen from A and from C.
  const auto found = std::find_if(ids.begin(), ids.end(), [](const std::string& room) {
    return placement(kA, {node(kB), node(kC)}).owner(room, kReady) == std::string(kA);
  });
  ASSERT_NE(found, ids.end());
  EXPECT_EQ(placement(kA, {node(kB, true, {*found}), node(kC)}).owner(*found, kReady),
            std::string(kB));
  EXPECT_EQ(placement(kC, {node(kA), node(kB, true, {*found})}).owner(*found, kReady),
            std::string(kB));
  // Seen from B itself, which hosts it.
  EXPECT_EQ(placement(kB, {node(kA), node(kC)}).owner(*found, {.ready = true, .hostsRoom = true}),
            std::string(kB));
  // A host that is not ready (draining) keeps nothing: the hash decides among the others.
  EXPECT_EQ(placement(kC, {node(kA), node(kB, false, {*found})}).owner(*found, kReady),
            std::string(kA));
}

TEST(RoomPlacementTest, SeveralHostsResolveToTheHighestWeightWhateverTheOrder) {
  for (const auto& room : roomIds(30)) {
    const std::string expected = RoomPlacement::weight(kA, room) > RoomPlacement::weight(kB, room)
                                     ? std::string(kA)
                                     : std::string(kB);
    const auto one = placement(kC, {node(kA, true, {room}), node(kB, true, {room})});
    const auto other = placement(kC, {node(kB, true, {room}), node(kA, true, {room})});
    EXPECT_EQ(one.owner(room, kReady), expected) << room;
    EXPECT_EQ(other.owner(room, kReady), expected) << room;
    // A, hosting it too, agrees with C.
    EXPECT_EQ(placement(kA, {node(kB, true, {room})}).owner(room, {true, true}), expected);
  }
}

TEST(RoomPlacementTest, ADrainingNodeSendsEveryRoomToAReadyPeerOrNowhere) {
  const RoomPlacement::Self draining{.ready = false, .hostsRoom = true};
  const auto fromA = placement(kA, {node(kB), node(kC)});
  const auto others = placement(kB, {node(kC), node(kA, false)});
  for (const auto& room : roomIds(50)) {
    const auto owner = fromA.owner(room, draining);
    ASSERT_TRUE(owner.has_value());
    EXPECT_NE(*owner, std::string(kA));
    // The node a drained room goes to is the one the others send its new joins to.
    EXPECT_EQ(owner, others.owner(room, kReady)) << room;
  }
  EXPECT_EQ(placement(kA, {node(kB, false), node(kC, false)}).owner("standup", draining),
            std::nullopt);
}

TEST(RoomPlacementTest, AloneTheNodeOwnsEveryRoomAndIgnoresItselfInThePeerList) {
  const auto alone = placement(kA, {});
  EXPECT_EQ(alone.owner("standup", kReady), std::string(kA));
  // peers_dns lists this node too; its own entry must not count twice or as stale.
  const auto listed = placement(kA, {node(kA, false, {"standup"}), node(kB, false)});
  EXPECT_EQ(listed.owner("standup", kReady), std::string(kA));
}

TEST(NodeStateTest, SerializesAndParsesBackWithSortedRooms) {
  const NodeState state{std::string(kA), true, {"a", "b/c", "ü"}};
  EXPECT_EQ(serialize(state), R"({"advertise_url":"wss://chorus-a.example.com/ws","ready":true,)"
                              R"("rooms":["a","b/c","ü"]})");
  const auto parsed = parseNodeState(R"({"rooms":["z","a"],"ready":false,"advertise_url":"u"})");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->url, "u");
  EXPECT_FALSE(parsed->ready);
  EXPECT_EQ(parsed->rooms, (std::vector<std::string>{"a", "z"}));
  EXPECT_TRUE(parsed->hosts("z"));
  EXPECT_FALSE(parsed->hosts("m"));
}

TEST(NodeStateTest, RefusesAnythingElse) {
  for (const std::string_view text : {"", "not json", "[]", R"({"ready":true,"rooms":[]})",
                                      R"({"advertise_url":"","ready":true,"rooms":[]})",
                                      R"({"advertise_url":"u","ready":"yes","rooms":[]})",
                                      R"({"advertise_url":"u","ready":true,"rooms":[1]})",
                                      R"({"advertise_url":"u","ready":true})"}) {
    EXPECT_FALSE(parseNodeState(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace chorus::signaling
