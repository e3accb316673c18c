#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "media/stats/FixedHistogram.h"
#include "signaling/auth/AccessToken.h"
#include "signaling/cluster/RoomLocator.h"
#include "signaling/room/MediaTransports.h"
#include "signaling/room/Participant.h"
#include "signaling/room/Room.h"
#include "signaling/room/VideoBitrateLimits.h"
#include "signaling/sdp/MediaNegotiation.h"
#include "signaling/ws/SignalingError.h"

namespace chorus::signaling {

// What the operator configures about rooms (README, "rooms.*").
struct RoomPolicy {
  std::size_t maxParticipants = 100;
  std::chrono::seconds emptyRoomGrace{10};
  std::chrono::seconds resumeWindow{15};
  MediaCapabilities capabilities = MediaCapabilities::defaults();
  VideoBitrateLimits videoBitrate;
};

// A request's outcome: a result object, or an error code, a message for people and, for some
// codes, details a client acts on (docs/signaling.md, "Envelope").
struct RequestOutcome {
  std::optional<SignalingError> error;
  std::string message;
  boost::json::object result;
  boost::json::object details;  // with an error only; empty: none sent

  static RequestOutcome ok(boost::json::object result = {}) {
    RequestOutcome outcome;
    outcome.result = std::move(result);
    return outcome;
  }
  static RequestOutcome fail(SignalingError code, std::string message,
                             boost::json::object details = {}) {
    RequestOutcome outcome;
    outcome.error = code;
    outcome.message = std::move(message);
    outcome.details = std::move(details);
    return outcome;
  }
};

struct JoinRequest {
  std::string roomId;
  RoomKind kind = RoomKind::kConference;
  std::optional<std::string> name;
};

// Why a participant left its room (docs/signaling.md, participant_left).
enum class LeaveReason : std::uint8_t { kLeft, kDisconnected, kKicked, kTimeout, kRoomClosed };

std::string_view toString(LeaveReason reason) noexcept;

// From a join request to the first media packet forwarded to the participant: the signaling
// round trips, ICE, DTLS and the wait for a keyframe; a second or two is normal.
inline constexpr std::array<double, 12> kJoinLatencyBoundsSeconds{0.1, 0.25, 0.5, 0.75, 1,  1.5,
                                                                  2,   3,    5,   10,   20, 60};

// Counts for /metrics, read on the control thread.
struct RoomCounters {
  std::uint64_t joins = 0;
  std::array<std::uint64_t, kSignalingErrorCount> joinsRefused{};  // by SignalingError
  std::uint64_t resumes = 0;
  std::array<std::uint64_t, 5> leaves{};  // by LeaveReason
  std::uint64_t roomsClosed = 0;
  // One sample per participant, when the first media packet forwarded to it is reported.
  media::FixedHistogram joinToFirstMedia{kJoinLatencyBoundsSeconds};
};

// Every room of the process and its participants: joins, leaves, negotiation of the two
// transports and the events that tell participants about each other (docs/signaling.md,
// "Rooms and media"). It lives on the control thread and is called from it only: the WebSocket
// sessions call it for their requests, the media plane's state changes are posted to it, and a
// timer calls tick() for the resume windows and grace periods.
class RoomRegistry {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  RoomRegistry(RoomPolicy policy, MediaTransports& transports);
  ~RoomRegistry();
  RoomRegistry(const RoomRegistry&) = delete;
  RoomRegistry& operator=(const RoomRegistry&) = delete;

  // The WebSocket requests, for the participant attached to `connection`. `now`: when the
  // join request came, the start of its join-to-first-media latency.
  RequestOutcome join(ParticipantConnection& connection, const AccessToken& identity,
                      const JoinRequest& request, TimePoint now = std::chrono::steady_clock::now());
  RequestOutcome leave(ParticipantConnection& connection);
  RequestOutcome publish(ParticipantConnection& connection, std::string_view sdp);
  RequestOutcome subscribeAnswer(ParticipantConnection& connection, std::uint64_t revision,
                                 std::string_view sdp);
  RequestOutcome mute(ParticipantConnection& connection, std::string_view trackId, bool muted);
  RequestOutcome restartIce(ParticipantConnection& connection);
  // Attaches `connection` to the participant the token names; sets `identity` on success.
  RequestOutcome resume(ParticipantConnection& connection, std::string_view resumeToken,
                        std::optional<AccessToken>& identity);
  // The connection is gone: its participant waits for a resume until the window passes.
  void disconnected(ParticipantConnection& connection, TimePoint now);

  // From the media plane, on the control thread.
  void onTransportState(TransportId id, TransportState state, TimePoint now);
  // The media plane sent the first media packet on subscribe transport `id` at `at`: the first
  // one a participant gets ends its join-to-first-media latency.
  void onFirstMedia(TransportId id, TimePoint at);
  // The loudness of published audio streams (media::Router::takeAudioLevels of one worker):
  // rooms whose speakers changed get `active_speakers`.
  void onAudioLevels(const std::vector<std::pair<media::StreamKey, std::uint8_t>>& levels);
  // Removes participants whose resume window or failed media passed, and empty rooms whose
  // grace period passed.
  void tick(TimePoint now);

  // The REST API (docs/signaling.md, "REST API").
  boost::json::array describeRooms() const;
  std::optional<boost::json::object> describeRoom(std::string_view roomId) const;
  bool kick(std::string_view roomId, std::string_view participantId);
  // Mutes a track for the room on the server's behalf; false if there is no such track.
  bool muteTrack(std::string_view roomId, std::string_view trackId, bool muted);
  bool closeRoom(std::string_view roomId);

  // With several nodes: joins for rooms that belong on another node are refused with
  // room_elsewhere and that node's URL. Null (the default): every room is local.
  void setLocator(const RoomLocator* locator) noexcept { locator_ = locator; }
  // Where the room's participants should move when this node drains (RoomLocator::successor);
  // nothing without a cluster or another ready node.
  std::optional<std::string> successorUrl(std::string_view roomId) const;
  // The same for the room of the participant attached to `connection`; nothing when none is.
  std::optional<std::string> successorUrlOf(ParticipantConnection& connection) const;
  // The ids of every room on this node, sorted.
  std::vector<std::string> roomIds() const;

  // How long a dropped connection's participant waits for a `resume` (the hello announces it).
  std::chrono::seconds resumeWindow() const noexcept { return policy_.resumeWindow; }

  std::size_t roomCount() const { return rooms_.size(); }
  std::size_t participantCount() const;
  // Tracks published in rooms, of `kind` ("audio" or "video").
  std::size_t trackCount(std::string_view kind) const;
  // Rooms with someone in them (roomCount() also counts empty rooms in their grace period).
  std::size_t occupiedRoomCount() const;
  const RoomCounters& counters() const { return counters_; }
  // A join refused before it reached the registry (a draining server): counted with the
  // registry's own refusals, so chorus_joins_refused_total has every reason.
  void countRefusedJoin(SignalingError error) noexcept {
    ++counters_.joinsRefused[static_cast<std::size_t>(error)];
  }

 private:
  RequestOutcome admit(ParticipantConnection& connection, const AccessToken& identity,
                       const JoinRequest& request, TimePoint now);
  Participant* attached(ParticipantConnection& connection) const;
  Room& roomOf(const Participant& participant) const;
  boost::json::object joinResult(const Participant& participant) const;
  void removeParticipant(Participant& participant, LeaveReason reason, TimePoint now);
  void closeTransport(TransportSlot& slot);
  // Sends each participant of the room whose sections changed its next offer, unless one is
  // still outstanding or its connection is away.
  void sendOffers(const Room& room);
  void sendOffer(const Room& room, Participant& subscriber);
  // Brings the media plane's routes for the room in line with its publishers' tracks and its
  // subscribers' answered sections (docs/architecture.md, "Routing").
  void syncRoutes(Room& room);
  std::optional<CodecPreference> roomVideoCodec(const Room& room) const;
  MediaCapabilities roomCapabilities(const Room& room) const;
  // The cap on each publisher's video in the room as it is now (docs/signaling.md, "Bitrate").
  std::uint32_t videoBitrateCapKbps(const Room& room) const;

  RoomPolicy policy_;
  MediaTransports& transports_;
  std::map<std::string, std::unique_ptr<Room>, std::less<>> rooms_;
  std::unordered_map<const ParticipantConnection*, Participant*> byConnection_;
  std::unordered_map<std::string, Participant*> byResumeToken_;
  std::unordered_map<TransportId, Participant*> byTransport_;
  RoomCounters counters_;
  const RoomLocator* locator_ = nullptr;
  media::StreamKey nextStreamKey_ = 1;
  std::uint64_t nextRoomNumber_ = 0;
};

}  // namespace chorus::signaling
