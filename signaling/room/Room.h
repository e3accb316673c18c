#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "media/routing/RouteSpec.h"
#include "signaling/room/Participant.h"

namespace chorus::signaling {

// How clients enter a room (docs/signaling.md, "Model"): the client API's callConference or
// callGroup. Fixed by the join that creates the room.
enum class RoomKind : std::uint8_t { kConference, kGroup };

std::string_view toString(RoomKind kind) noexcept;
std::optional<RoomKind> roomKindFrom(std::string_view text) noexcept;

// One room: its participants in the order they joined, and its codec policy.
struct Room {
  std::string id;
  std::uint64_t number = 0;  // in order of creation: where its transports live
  std::size_t joins = 0;     // joins so far: the next participant's member number
  RoomKind kind = RoomKind::kConference;
  std::vector<std::unique_ptr<Participant>> participants;
  // Index into the configured video codecs, chosen by the first video publish ("Room codec
  // policy"); every later publisher is answered with it.
  std::optional<std::size_t> videoCodec;
  // Since when the room has had nobody in it: it closes after the grace period.
  std::optional<std::chrono::steady_clock::time_point> emptySince;

  // The active speakers last announced, loudest first.
  std::vector<std::string> activeSpeakers;

  // The routes installed in the media plane for this room, to compare with what they should be.
  struct InstalledSubscription {
    media::SubscriptionSpec spec;
    TransportId publisher = 0;
    friend bool operator==(const InstalledSubscription&, const InstalledSubscription&) = default;
  };
  std::map<media::StreamKey, media::PublishedStreamSpec> streams;
  std::map<std::pair<TransportId, media::StreamKey>, InstalledSubscription> subscriptions;
};

}  // namespace chorus::signaling
