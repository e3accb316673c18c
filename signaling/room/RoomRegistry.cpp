#include "signaling/room/RoomRegistry.h"

#include <algorithm>
#include <array>

#include <boost/json.hpp>
#include <openssl/rand.h>

#include "signaling/auth/Base64Url.h"
#include "signaling/room/RoomId.h"
#include "signaling/sdp/SessionDescription.h"

namespace chorus::signaling {
namespace json = boost::json;

namespace {

// Random bytes from OpenSSL's CSPRNG as base64url: participant ids need only be unique, resume
// tokens must also be unguessable (RFC 4086 §8.2: 128 bits and more).
std::string randomText(std::size_t bytes) {
  std::array<std::uint8_t, 32> buffer{};
  if (RAND_bytes(buffer.data(), static_cast<int>(bytes)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return encodeBase64Url(std::span<const std::uint8_t>(buffer.data(), bytes));
}

constexpr std::size_t kParticipantIdBytes = 9;  // 12 characters
constexpr std::size_t kResumeTokenBytes = 32;

json::object describeTrack(const PublishedTrack& track, std::string_view participantId) {
  return {{"track_id", track.id},
          {"participant_id", participantId},
          {"kind", track.kind},
          {"muted", track.muted}};
}

json::object describeParticipant(const Participant& participant) {
  json::array tracks;
  for (const auto& track : participant.tracks) {
    tracks.push_back(describeTrack(track, participant.id));
  }
  return {{"participant_id", participant.id},
          {"user", participant.identity.user},
          {"name", participant.name},
          {"tracks", std::move(tracks)}};
}

json::value stateOf(const TransportSlot& slot) {
  if (!slot.open) {
    return nullptr;
  }
  return json::string(toString(slot.state));
}

std::string event(std::string_view type, json::object fields) {
  json::object message;
  message["type"] = type;
  for (auto& field : fields) {
    message[field.key()] = std::move(field.value());
  }
  return json::serialize(message);
}

bool sends(const MediaDescription& section) {
  const auto direction = section.direction.value_or(SdpDirection::kSendRecv);
  return section.media == "video" && !section.isRejected() &&
         (direction == SdpDirection::kSendOnly || direction == SdpDirection::kSendRecv);
}

std::string parseFailure(const SdpError& error) {
  std::string message(toString(error.reason));
  if (error.line != 0) {
    message += " at line " + std::to_string(error.line);
  }
  return message;
}

void notify(const Participant& participant, const std::string& message) {
  if (participant.connection != nullptr) {
    participant.connection->sendEvent(message);
  }
}

void broadcast(const Room& room, const Participant* except, const std::string& message) {
  for (const auto& participant : room.participants) {
    if (participant.get() != except) {
      notify(*participant, message);
    }
  }
}

std::uint32_t freshSsrc() {
  std::uint32_t ssrc = 0;
  // RFC 3550 §8.1: random SSRCs; a collision within one subscriber's transport is what
  // matters, and 2^-32 per pair is negligible for the sections one transport holds.
  while (ssrc == 0) {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&ssrc), sizeof ssrc) != 1) {
      throw std::runtime_error("RAND_bytes failed");
    }
  }
  return ssrc;
}

// The sections a subscriber should have: one per track of everyone else in the room, and the
// sections of tracks that are gone made inactive. Marks an offer due when anything changed.
void refreshSections(const Room& room, Participant& subscriber) {
  if (!subscriber.identity.subscribe) {
    return;
  }
  bool changed = false;
  for (auto& section : subscriber.sections) {
    if (!section.active) {
      continue;
    }
    const bool present =
        std::any_of(room.participants.begin(), room.participants.end(), [&](const auto& publisher) {
          return std::any_of(publisher->tracks.begin(), publisher->tracks.end(),
                             [&](const PublishedTrack& t) { return t.id == section.trackId; });
        });
    if (!present) {
      section.active = false;
      changed = true;
    }
  }
  for (const auto& publisher : room.participants) {
    if (publisher.get() == &subscriber) {
      continue;
    }
    for (const auto& track : publisher->tracks) {
      const bool offered = std::any_of(
          subscriber.sections.begin(), subscriber.sections.end(),
          [&](const SubscribedSection& s) { return s.active && s.trackId == track.id; });
      if (offered) {
        continue;
      }
      SubscribedSection section;
      section.mid = std::to_string(subscriber.sections.size());
      section.kind = track.kind;
      section.participantId = publisher->id;
      section.trackId = track.id;
      section.ssrc = freshSsrc();
      section.rtxSsrc = track.kind == "video" ? freshSsrc() : 0;
      subscriber.sections.push_back(std::move(section));
      changed = true;
    }
  }
  subscriber.offerNeeded = subscriber.offerNeeded || changed;
}

// Every other participant with a subscribe grant needs the change in its next offer.
void markSubscribersChanged(const Room& room, const Participant& except) {
  for (const auto& other : room.participants) {
    if (other.get() != &except) {
      refreshSections(room, *other);
    }
  }
}

}  // namespace

std::string_view toString(LeaveReason reason) noexcept {
  switch (reason) {
    case LeaveReason::kLeft:
      return "left";
    case LeaveReason::kDisconnected:
      return "disconnected";
    case LeaveReason::kKicked:
      return "kicked";
    case LeaveReason::kTimeout:
      return "timeout";
    case LeaveReason::kRoomClosed:
      return "room_closed";
  }
  return "left";
}

RoomRegistry::RoomRegistry(RoomPolicy policy, MediaTransports& transports)
    : policy_(std::move(policy)), transports_(transports) {}

RoomRegistry::~RoomRegistry() = default;

Participant* RoomRegistry::attached(ParticipantConnection& connection) const {
  const auto found = byConnection_.find(&connection);
  return found != byConnection_.end() ? found->second : nullptr;
}

Room& RoomRegistry::roomOf(const Participant& participant) const {
  return *rooms_.find(participant.roomId)->second;
}

std::size_t RoomRegistry::participantCount() const {
  std::size_t count = 0;
  for (const auto& [id, room] : rooms_) {
    count += room->participants.size();
  }
  return count;
}

std::size_t RoomRegistry::trackCount(std::string_view kind) const {
  std::size_t count = 0;
  for (const auto& [id, room] : rooms_) {
    for (const auto& participant : room->participants) {
      count += static_cast<std::size_t>(
          std::count_if(participant->tracks.begin(), participant->tracks.end(),
                        [kind](const PublishedTrack& track) { return track.kind == kind; }));
    }
  }
  return count;
}

std::size_t RoomRegistry::occupiedRoomCount() const {
  return static_cast<std::size_t>(
      std::count_if(rooms_.begin(), rooms_.end(),
                    [](const auto& entry) { return !entry.second->participants.empty(); }));
}

RequestOutcome RoomRegistry::join(ParticipantConnection& connection, const AccessToken& identity,
                                  const JoinRequest& request, TimePoint now) {
  RequestOutcome outcome = admit(connection, identity, request, now);
  if (outcome.error) {
    ++counters_.joinsRefused[static_cast<std::size_t>(*outcome.error)];
  }
  return outcome;
}

RequestOutcome RoomRegistry::admit(ParticipantConnection& connection, const AccessToken& identity,
                                   const JoinRequest& request, TimePoint now) {
  if (attached(connection) != nullptr) {
    return RequestOutcome::fail(SignalingError::kAlreadyJoined,
                                "this connection is in a room already; leave first");
  }
  const TextCheck idCheck = checkRoomId(request.roomId);
  if (idCheck == TextCheck::kTooLong) {
    return RequestOutcome::fail(SignalingError::kRoomIdTooLong,
                                "room ids are at most 64 characters");
  }
  if (idCheck != TextCheck::kValid) {
    return RequestOutcome::fail(SignalingError::kRoomIdInvalid,
                                "room ids are 1 to 64 letters, digits, punctuation or symbols, "
                                "without spaces, control characters or '*'");
  }
  if (request.name && checkDisplayName(*request.name) != TextCheck::kValid) {
    return RequestOutcome::fail(SignalingError::kBadRequest,
                                "name must be 1 to 64 printable characters");
  }
  if (!identity.allowsRoom(request.roomId)) {
    return RequestOutcome::fail(SignalingError::kForbidden, "the token does not grant this room");
  }
  auto found = rooms_.find(request.roomId);
  if (locator_ != nullptr) {
    if (auto owner = locator_->elsewhere(request.roomId, found != rooms_.end())) {
      json::object details;
      details["url"] = *owner;
      return RequestOutcome::fail(SignalingError::kRoomElsewhere,
                                  "the room is on another node: join it at " + *owner,
                                  std::move(details));
    }
  }
  if (found != rooms_.end() && found->second->kind != request.kind) {
    return RequestOutcome::fail(SignalingError::kRoomKindMismatch,
                                "the room is a " + std::string(toString(found->second->kind)));
  }
  if (found != rooms_.end() && found->second->participants.size() >= policy_.maxParticipants) {
    return RequestOutcome::fail(SignalingError::kRoomFull, "the room is full");
  }
  if (found == rooms_.end()) {
    auto room = std::make_unique<Room>();
    room->id = request.roomId;
    room->number = nextRoomNumber_++;
    room->kind = request.kind;
    found = rooms_.emplace(request.roomId, std::move(room)).first;
  }
  Room& room = *found->second;
  room.emptySince.reset();
  auto participant = std::make_unique<Participant>(identity);
  participant->id = randomText(kParticipantIdBytes);
  participant->roomId = room.id;
  participant->placement = {room.number, room.joins++};
  participant->name = request.name.value_or(identity.user);
  participant->connection = &connection;
  participant->resumeToken = randomText(kResumeTokenBytes);
  participant->joinedAt = now;
  Participant& joined = *participant;
  room.participants.push_back(std::move(participant));
  byConnection_[&connection] = &joined;
  byResumeToken_[joined.resumeToken] = &joined;
  ++counters_.joins;
  broadcast(room, &joined,
            event("participant_joined", {{"participant", describeParticipant(joined)}}));
  refreshSections(room, joined);
  sendOffers(room);
  return RequestOutcome::ok(joinResult(joined));
}

std::optional<std::string> RoomRegistry::successorUrl(std::string_view roomId) const {
  if (locator_ == nullptr) {
    return std::nullopt;
  }
  return locator_->successor(roomId);
}

std::optional<std::string> RoomRegistry::successorUrlOf(ParticipantConnection& connection) const {
  const Participant* participant = attached(connection);
  if (participant == nullptr) {
    return std::nullopt;
  }
  return successorUrl(participant->roomId);
}

std::vector<std::string> RoomRegistry::roomIds() const {
  std::vector<std::string> ids;
  ids.reserve(rooms_.size());
  for (const auto& [id, room] : rooms_) {
    ids.push_back(id);
  }
  return ids;
}

json::object RoomRegistry::joinResult(const Participant& participant) const {
  const Room& room = roomOf(participant);
  json::array others;
  for (const auto& other : room.participants) {
    if (other.get() != &participant) {
      others.push_back(describeParticipant(*other));
    }
  }
  const auto codec = roomVideoCodec(room);
  json::object roomDescription{{"id", room.id},
                               {"kind", toString(room.kind)},
                               {"video_codec", codec ? json::value(codec->encodingName) : nullptr}};
  return {{"participant_id", participant.id},
          {"resume_token", participant.resumeToken},
          {"room", std::move(roomDescription)},
          {"participants", std::move(others)}};
}

RequestOutcome RoomRegistry::leave(ParticipantConnection& connection) {
  Participant* participant = attached(connection);
  if (participant == nullptr) {
    return RequestOutcome::fail(SignalingError::kNotInRoom, "not in a room");
  }
  removeParticipant(*participant, LeaveReason::kLeft, std::chrono::steady_clock::now());
  return RequestOutcome::ok();
}

RequestOutcome RoomRegistry::publish(ParticipantConnection& connection, std::string_view sdp) {
  Participant* participant = attached(connection);
  if (participant == nullptr) {
    return RequestOutcome::fail(SignalingError::kNotInRoom, "join a room first");
  }
  if (!participant->identity.publish) {
    return RequestOutcome::fail(SignalingError::kForbidden, "the token does not grant publish");
  }
  const SdpParseResult parsed = SessionDescription::parse(sdp);
  if (!parsed.description) {
    return RequestOutcome::fail(SignalingError::kSdpInvalid, parseFailure(parsed.error));
  }
  const SessionDescription& offer = *parsed.description;
  const RemoteTransportCheck remote = readRemoteTransport(offer, true);
  if (!remote.transport) {
    return RequestOutcome::fail(SignalingError::kSdpUnsupported,
                                std::string(describe(remote.problem)));
  }
  Room& room = roomOf(*participant);
  const std::optional<std::size_t> previousCodec = room.videoCodec;
  if (!room.videoCodec) {
    std::vector<MediaDescription> video;
    std::copy_if(offer.media.begin(), offer.media.end(), std::back_inserter(video), sends);
    if (!video.empty()) {
      room.videoCodec = chooseRoomCodec(policy_.capabilities.videoCodecs, video);
    }
  }
  TransportSlot& slot = participant->publish;
  // RFC 8445 §9 and RFC 8842 §4: the same RTCPeerConnection (same certificate) keeps its DTLS
  // association across re-offers, ICE restarts included, so the transport stays while it lives.
  const bool reuse = slot.open && slot.state != TransportState::kFailed &&
                     slot.remote->fingerprint == remote.transport->fingerprint;
  LocalTransport local = reuse ? *slot.local : transports_.reserve(participant->placement);
  const bool iceRestart = reuse && slot.remote->iceUfrag != remote.transport->iceUfrag;
  if (iceRestart) {
    local.ice = media::IceCredentials::generate();
  }
  PublishAnswer answer = answerPublish(offer, roomCapabilities(room), local,
                                       transports_.fingerprint(), remote.transport->localRole);
  if (answer.unsupportedMid) {
    room.videoCodec = previousCodec;
    return RequestOutcome::fail(
        SignalingError::kCodecUnsupported,
        "m-section " + *answer.unsupportedMid + " offers no codec the room can use");
  }
  if (iceRestart) {
    transports_.restartIce(local.id, local.ice, remote.transport->iceUfrag);
  }
  if (!reuse) {
    closeTransport(slot);
    transports_.open(local, *remote.transport);
    byTransport_[local.id] = participant;
    slot.open = true;
    slot.state = TransportState::kConnecting;
  }
  slot.local = local;
  slot.remote = remote.transport;

  // The tracks: one per m-section the client sends on, compared by mid with the last offer.
  std::vector<PublishedTrack> tracks;
  bool changed = false;
  for (const auto& section : answer.sections) {
    const auto kept = std::find_if(participant->tracks.begin(), participant->tracks.end(),
                                   [&](const PublishedTrack& t) { return t.mid == section.mid; });
    if (kept != participant->tracks.end()) {
      tracks.push_back(*kept);
      continue;
    }
    tracks.push_back(
        {participant->id + "/" + section.mid, section.mid, section.kind, false, nextStreamKey_++});
    broadcast(room, participant,
              event("track_published", {{"track", describeTrack(tracks.back(), participant->id)}}));
    changed = true;
  }
  for (const auto& old : participant->tracks) {
    const bool gone = std::none_of(tracks.begin(), tracks.end(),
                                   [&](const PublishedTrack& t) { return t.mid == old.mid; });
    if (gone) {
      broadcast(
          room, participant,
          event("track_unpublished", {{"track_id", old.id}, {"participant_id", participant->id}}));
      changed = true;
    }
  }
  participant->tracks = std::move(tracks);
  participant->publishedSections = std::move(answer.sections);
  // The ceiling, not the room's current cap: a browser keeps the lower of b=AS and REMB, so
  // REMB alone lowers it as the room grows and raises it again as the room shrinks.
  capVideoBitrate(answer.answer, policy_.videoBitrate.maxKbps);
  if (!reuse) {
    notify(*participant,
           event("transport_state", {{"transport", "publish"}, {"state", toString(slot.state)}}));
  }
  if (changed) {
    markSubscribersChanged(room, *participant);
    sendOffers(room);
  }
  syncRoutes(room);
  json::array published;
  for (const auto& track : participant->tracks) {
    published.push_back(describeTrack(track, participant->id));
  }
  return RequestOutcome::ok({{"sdp", answer.answer.toSdp()}, {"tracks", std::move(published)}});
}

RequestOutcome RoomRegistry::subscribeAnswer(ParticipantConnection& connection,
                                             std::uint64_t revision, std::string_view sdp) {
  Participant* participant = attached(connection);
  if (participant == nullptr) {
    return RequestOutcome::fail(SignalingError::kNotInRoom, "join a room first");
  }
  if (!participant->outstanding) {
    return RequestOutcome::fail(SignalingError::kNoOffer, "no subscribe offer is outstanding");
  }
  if (revision != *participant->outstanding) {
    return RequestOutcome::fail(
        SignalingError::kStaleAnswer,
        "the outstanding offer is revision " + std::to_string(*participant->outstanding));
  }
  const SdpParseResult parsed = SessionDescription::parse(sdp);
  if (!parsed.description) {
    return RequestOutcome::fail(SignalingError::kSdpInvalid, parseFailure(parsed.error));
  }
  const RemoteTransportCheck remote = readRemoteTransport(*parsed.description, false);
  if (!remote.transport) {
    return RequestOutcome::fail(SignalingError::kSdpUnsupported,
                                std::string(describe(remote.problem)));
  }
  // RFC 3264 §6: an answer has the offer's m-sections, in order. Sections added since the offer
  // went out (a track published meanwhile) wait for the next offer.
  const auto& answered = parsed.description->media;
  const auto offeredEnd =
      participant->sections.begin() + static_cast<std::ptrdiff_t>(participant->offeredSections);
  const bool matches =
      std::equal(answered.begin(), answered.end(), participant->sections.begin(), offeredEnd,
                 [](const MediaDescription& section, const SubscribedSection& offered) {
                   return section.mid == offered.mid && section.media == offered.kind;
                 });
  if (!matches) {
    return RequestOutcome::fail(SignalingError::kSdpUnsupported,
                                "the answer's m-sections are not the offer's");
  }
  participant->outstanding.reset();
  participant->answeredSections = participant->offeredSections;
  TransportSlot& slot = participant->subscribe;
  if (!slot.open) {
    transports_.open(*slot.local, *remote.transport);
    byTransport_[slot.local->id] = participant;
    slot.open = true;
    slot.state = TransportState::kConnecting;
    notify(*participant,
           event("transport_state", {{"transport", "subscribe"}, {"state", "connecting"}}));
  } else if (slot.remote && slot.remote->iceUfrag != remote.transport->iceUfrag) {
    transports_.restartIce(slot.local->id, slot.local->ice, remote.transport->iceUfrag);
  }
  slot.remote = remote.transport;
  Room& room = roomOf(*participant);
  syncRoutes(room);
  if (participant->offerNeeded) {
    sendOffer(room, *participant);
  }
  return RequestOutcome::ok();
}

RequestOutcome RoomRegistry::mute(ParticipantConnection& connection, std::string_view trackId,
                                  bool muted) {
  Participant* participant = attached(connection);
  if (participant == nullptr) {
    return RequestOutcome::fail(SignalingError::kNotInRoom, "join a room first");
  }
  const auto track = std::find_if(participant->tracks.begin(), participant->tracks.end(),
                                  [&](const PublishedTrack& t) { return t.id == trackId; });
  if (track == participant->tracks.end()) {
    return RequestOutcome::fail(SignalingError::kUnknownTrack, "not one of your tracks");
  }
  if (track->muted != muted) {
    track->muted = muted;
    broadcast(roomOf(*participant), participant,
              event(muted ? "track_muted" : "track_unmuted", {{"track_id", track->id},
                                                              {"participant_id", participant->id},
                                                              {"by", "participant"}}));
  }
  return RequestOutcome::ok();
}

RequestOutcome RoomRegistry::restartIce(ParticipantConnection& connection) {
  Participant* participant = attached(connection);
  if (participant == nullptr) {
    return RequestOutcome::fail(SignalingError::kNotInRoom, "join a room first");
  }
  TransportSlot& slot = participant->subscribe;
  if (!slot.open) {
    return RequestOutcome::fail(SignalingError::kNoTransport,
                                "the subscribe transport does not exist yet");
  }
  if (slot.state == TransportState::kFailed) {
    // The media plane has removed it: the client needs a new RTCPeerConnection for a new one.
    closeTransport(slot);
    slot.local = transports_.reserve(participant->placement);
    slot.remote.reset();
    participant->newTransport = true;
    participant->answeredSections = 0;
    syncRoutes(roomOf(*participant));
  } else {
    slot.local->ice = media::IceCredentials::generate();
    transports_.restartIce(slot.local->id, slot.local->ice, {});
  }
  participant->outstanding.reset();
  participant->offerNeeded = true;
  sendOffer(roomOf(*participant), *participant);
  return RequestOutcome::ok();
}

RequestOutcome RoomRegistry::resume(ParticipantConnection& connection, std::string_view resumeToken,
                                    std::optional<AccessToken>& identity) {
  if (attached(connection) != nullptr) {
    return RequestOutcome::fail(SignalingError::kAlreadyJoined,
                                "this connection is in a room already");
  }
  const auto found = byResumeToken_.find(std::string(resumeToken));
  if (found == byResumeToken_.end()) {
    return RequestOutcome::fail(SignalingError::kResumeFailed,
                                "unknown or spent resume token, or the window has passed");
  }
  Participant& participant = *found->second;
  byResumeToken_.erase(found);
  // A connection the server has not yet seen drop (a half-open TCP) loses the participant.
  if (participant.connection != nullptr) {
    byConnection_.erase(participant.connection);
  }
  participant.connection = &connection;
  participant.detachedSince.reset();
  participant.resumeToken = randomText(kResumeTokenBytes);
  byResumeToken_[participant.resumeToken] = &participant;
  byConnection_[&connection] = &participant;
  identity = participant.identity;
  ++counters_.resumes;
  json::object result = joinResult(participant);
  result["transports"] = json::object{{"publish", stateOf(participant.publish)},
                                      {"subscribe", stateOf(participant.subscribe)}};
  // An offer sent while away may be lost: the next one supersedes it.
  if (participant.outstanding) {
    participant.outstanding.reset();
    participant.offerNeeded = true;
  }
  sendOffers(roomOf(participant));
  return RequestOutcome::ok(std::move(result));
}

void RoomRegistry::disconnected(ParticipantConnection& connection, TimePoint now) {
  Participant* participant = attached(connection);
  if (participant == nullptr) {
    return;
  }
  byConnection_.erase(&connection);
  participant->connection = nullptr;
  participant->detachedSince = now;
}

void RoomRegistry::onFirstMedia(TransportId id, TimePoint at) {
  const auto found = byTransport_.find(id);
  if (found == byTransport_.end()) {
    return;
  }
  Participant& participant = *found->second;
  const bool subscribeTransport =
      participant.subscribe.local && participant.subscribe.local->id == id;
  if (!subscribeTransport || participant.receivedMedia) {
    return;
  }
  participant.receivedMedia = true;
  counters_.joinToFirstMedia.observe(
      std::chrono::duration<double>(at - participant.joinedAt).count());
}

void RoomRegistry::onTransportState(TransportId id, TransportState state, TimePoint now) {
  const auto found = byTransport_.find(id);
  if (found == byTransport_.end()) {
    return;
  }
  Participant& participant = *found->second;
  const bool publish = participant.publish.local && participant.publish.local->id == id;
  TransportSlot& slot = publish ? participant.publish : participant.subscribe;
  slot.state = state;
  if (state == TransportState::kFailed) {
    byTransport_.erase(found);
    syncRoutes(roomOf(participant));
  }
  notify(participant, event("transport_state", {{"transport", publish ? "publish" : "subscribe"},
                                                {"state", toString(state)}}));
  const auto failedOrAbsent = [](const TransportSlot& s) {
    return !s.open || s.state == TransportState::kFailed;
  };
  if (failedOrAbsent(participant.publish) && failedOrAbsent(participant.subscribe)) {
    participant.failedSince = participant.failedSince.value_or(now);
  } else {
    participant.failedSince.reset();
  }
}

void RoomRegistry::onAudioLevels(
    const std::vector<std::pair<media::StreamKey, std::uint8_t>>& levels) {
  // A participant speaks when its loudest packet of the interval is louder than -57 dBov
  // (RFC 6464 levels): speech peaks around -20 to -40 dBov, room noise stays below -60.
  constexpr std::uint8_t kSpeaking = 70;
  constexpr std::size_t kMostSpeakers = 3;
  const std::map<media::StreamKey, std::uint8_t> loudness(levels.begin(), levels.end());
  for (const auto& [id, room] : rooms_) {
    bool measured = false;
    for (const auto& participant : room->participants) {
      for (const auto& track : participant->tracks) {
        if (const auto found = loudness.find(track.key); found != loudness.end()) {
          participant->loudness = found->second;
          measured = true;
        }
      }
    }
    if (!measured) {
      continue;
    }
    std::vector<const Participant*> speaking;
    for (const auto& participant : room->participants) {
      if (participant->loudness >= kSpeaking) {
        speaking.push_back(participant.get());
      }
    }
    std::stable_sort(
        speaking.begin(), speaking.end(),
        [](const Participant* a, const Participant* b) { return a->loudness > b->loudness; });
    speaking.resize(std::min(speaking.size(), kMostSpeakers));
    std::vector<std::string> ids;
    ids.reserve(speaking.size());
    for (const Participant* participant : speaking) {
      ids.push_back(participant->id);
    }
    if (ids != room->activeSpeakers) {
      room->activeSpeakers = ids;
      json::array list;
      for (const auto& speaker : ids) {
        list.emplace_back(speaker);
      }
      broadcast(*room, nullptr, event("active_speakers", {{"participant_ids", std::move(list)}}));
    }
  }
}

void RoomRegistry::tick(TimePoint now) {
  std::vector<std::pair<Participant*, LeaveReason>> expired;
  for (const auto& [id, room] : rooms_) {
    for (const auto& participant : room->participants) {
      if (participant->detachedSince && now - *participant->detachedSince >= policy_.resumeWindow) {
        expired.emplace_back(participant.get(), LeaveReason::kDisconnected);
      } else if (participant->failedSince &&
                 now - *participant->failedSince >= policy_.resumeWindow) {
        expired.emplace_back(participant.get(), LeaveReason::kTimeout);
      }
    }
  }
  for (const auto& [participant, reason] : expired) {
    removeParticipant(*participant, reason, now);
  }
  for (auto room = rooms_.begin(); room != rooms_.end();) {
    const auto& emptySince = room->second->emptySince;
    if (emptySince && now - *emptySince >= policy_.emptyRoomGrace) {
      room = rooms_.erase(room);
      ++counters_.roomsClosed;
    } else {
      ++room;
    }
  }
}

void RoomRegistry::closeTransport(TransportSlot& slot) {
  if (slot.open) {
    transports_.close(slot.local->id);
    byTransport_.erase(slot.local->id);
  }
  slot.open = false;
  slot.state = TransportState::kConnecting;
}

void RoomRegistry::removeParticipant(Participant& participant, LeaveReason reason, TimePoint now) {
  Room& room = roomOf(participant);
  closeTransport(participant.publish);
  closeTransport(participant.subscribe);
  byResumeToken_.erase(participant.resumeToken);
  if (participant.connection != nullptr) {
    byConnection_.erase(participant.connection);
    if (reason == LeaveReason::kKicked || reason == LeaveReason::kRoomClosed) {
      notify(participant, event("room_left", {{"room", room.id}, {"reason", toString(reason)}}));
    }
  }
  ++counters_.leaves[static_cast<std::size_t>(reason)];
  const std::string left =
      event("participant_left", {{"participant_id", participant.id}, {"reason", toString(reason)}});
  std::erase_if(room.participants, [&](const auto& p) { return p.get() == &participant; });
  syncRoutes(room);
  if (reason == LeaveReason::kRoomClosed) {
    return;  // the room goes with everyone in it
  }
  broadcast(room, nullptr, left);
  for (const auto& other : room.participants) {
    refreshSections(room, *other);
  }
  sendOffers(room);
  if (room.participants.empty()) {
    room.emptySince = now;
  }
}

void RoomRegistry::sendOffers(const Room& room) {
  for (const auto& participant : room.participants) {
    sendOffer(room, *participant);
  }
}

void RoomRegistry::sendOffer(const Room& room, Participant& subscriber) {
  if (!subscriber.offerNeeded || subscriber.outstanding || subscriber.connection == nullptr ||
      subscriber.sections.empty()) {
    return;
  }
  if (!subscriber.subscribe.local) {
    subscriber.subscribe.local = transports_.reserve(subscriber.placement);
  }
  ++subscriber.revision;
  subscriber.outstanding = subscriber.revision;
  subscriber.offeredSections = subscriber.sections.size();
  subscriber.offerNeeded = false;
  const auto codec = roomVideoCodec(room);
  const SessionDescription offer =
      offerSubscribe(subscriber.sections, codec, room.videoCodec.value_or(0),
                     *subscriber.subscribe.local, transports_.fingerprint(), subscriber.revision);
  json::object fields{{"revision", subscriber.revision}, {"sdp", offer.toSdp()}};
  if (subscriber.newTransport) {
    fields["new_transport"] = true;
    subscriber.newTransport = false;
  }
  notify(subscriber, event("subscribe_offer", std::move(fields)));
}

std::optional<CodecPreference> RoomRegistry::roomVideoCodec(const Room& room) const {
  if (!room.videoCodec) {
    return std::nullopt;
  }
  return policy_.capabilities.videoCodecs[*room.videoCodec];
}

MediaCapabilities RoomRegistry::roomCapabilities(const Room& room) const {
  MediaCapabilities capabilities = policy_.capabilities;
  capabilities.videoCodecs.clear();
  if (const auto codec = roomVideoCodec(room)) {
    capabilities.videoCodecs.push_back(*codec);
  }
  return capabilities;
}

std::uint32_t RoomRegistry::videoBitrateCapKbps(const Room& room) const {
  const auto videoPublishers = std::count_if(
      room.participants.begin(), room.participants.end(), [](const auto& participant) {
        return std::any_of(participant->tracks.begin(), participant->tracks.end(),
                           [](const PublishedTrack& track) { return track.kind == "video"; });
      });
  return policy_.videoBitrate.capKbps(static_cast<std::size_t>(videoPublishers));
}

namespace {

// The same route but for the bitrate cap: the router updates the stream in place, keeping its
// retransmission buffer and statistics, rather than removing and adding it again.
bool onlyCapDiffers(const media::PublishedStreamSpec& wanted,
                    const media::PublishedStreamSpec& installed) {
  media::PublishedStreamSpec same = wanted;
  same.maxBitrateBps = installed.maxBitrateBps;
  return same == installed;
}

}  // namespace

void RoomRegistry::syncRoutes(Room& room) {
  const auto usable = [](const TransportSlot& slot) {
    return slot.open && slot.state != TransportState::kFailed;
  };
  const std::uint32_t videoCapBps = videoBitrateCapKbps(room) * 1000;
  // What the routes should be: every track of a usable publish transport...
  std::map<media::StreamKey, media::PublishedStreamSpec> streams;
  std::map<std::string_view, const PublishedTrack*> tracks;  // by track id
  for (const auto& publisher : room.participants) {
    if (!usable(publisher->publish)) {
      continue;
    }
    for (const auto& track : publisher->tracks) {
      const auto section =
          std::find_if(publisher->publishedSections.begin(), publisher->publishedSections.end(),
                       [&](const PublishedSection& s) { return s.mid == track.mid; });
      const auto [ssrc, rtxSsrc] = section->ssrcs();
      if (ssrc == 0) {
        continue;  // NOTE: learning SSRCs from the mid header extension comes with simulcast
      }
      streams[track.key] = {.key = track.key,
                            .publisher = publisher->publish.local->id,
                            .video = track.kind == "video",
                            .clockRate = section->codec.clockRate,
                            .ssrc = ssrc,
                            .rtxSsrc = rtxSsrc,
                            .payloadType = section->codec.payloadType,
                            .format = media::videoFormatFromEncodingName(
                                track.kind == "video" ? section->codec.encodingName : ""),
                            .extensions = section->extensionIds(),
                            .maxBitrateBps = track.kind == "video" ? videoCapBps : 0};
      tracks[track.id] = &track;
    }
  }
  // ...and a copy for every answered, active section of a usable subscribe transport.
  std::map<std::pair<TransportId, media::StreamKey>, Room::InstalledSubscription> subscriptions;
  const auto videoPayloadType =
      static_cast<std::uint8_t>(subscribe_payload::kFirstVideo + 2 * room.videoCodec.value_or(0));
  for (const auto& subscriber : room.participants) {
    if (!usable(subscriber->subscribe)) {
      continue;
    }
    const TransportId transport = subscriber->subscribe.local->id;
    for (std::size_t i = 0; i < subscriber->answeredSections; ++i) {
      const SubscribedSection& section = subscriber->sections[i];
      const auto track = tracks.find(section.trackId);
      if (!section.active || track == tracks.end()) {
        continue;
      }
      const media::PublishedStreamSpec& stream = streams.at(track->second->key);
      media::SubscriptionSpec spec;
      spec.stream = stream.key;
      spec.subscriber = transport;
      spec.video = stream.video;
      spec.clockRate = stream.clockRate;
      spec.ssrc = section.ssrc;
      spec.rtxSsrc = section.rtxSsrc;
      spec.payloadType = stream.video ? videoPayloadType : subscribe_payload::kOpus;
      // The offer's RTX payload type for it (SubscribeOffer: 97 + 2i, apt = 96 + 2i).
      spec.rtxPayloadType = stream.video ? static_cast<std::uint8_t>(videoPayloadType + 1) : 0;
      spec.format = stream.format;
      spec.publisherExtensions = stream.extensions;
      spec.subscriberExtensions = subscribeExtensionIds(stream.video);
      subscriptions[{transport, stream.key}] = {spec, stream.publisher};
    }
  }
  // The differences, removals first so a replaced route is never installed twice.
  for (const auto& [key, installed] : room.streams) {
    const auto wanted = streams.find(key);
    if (wanted == streams.end() || !onlyCapDiffers(wanted->second, installed)) {
      transports_.unpublishStream(installed);
    }
  }
  for (const auto& [key, installed] : room.subscriptions) {
    const auto wanted = subscriptions.find(key);
    if (wanted == subscriptions.end() || wanted->second != installed) {
      transports_.unsubscribe(installed.spec, installed.publisher);
    }
  }
  for (const auto& [key, wanted] : streams) {
    const auto installed = room.streams.find(key);
    if (installed == room.streams.end() || installed->second != wanted) {
      transports_.publishStream(wanted);
    }
  }
  for (const auto& [key, wanted] : subscriptions) {
    const auto installed = room.subscriptions.find(key);
    if (installed == room.subscriptions.end() || installed->second != wanted) {
      transports_.subscribe(wanted.spec, wanted.publisher);
    }
  }
  room.streams = std::move(streams);
  room.subscriptions = std::move(subscriptions);
}

json::array RoomRegistry::describeRooms() const {
  json::array rooms;
  for (const auto& [id, room] : rooms_) {
    rooms.push_back(json::object{{"id", room->id},
                                 {"kind", toString(room->kind)},
                                 {"participants", room->participants.size()}});
  }
  return rooms;
}

std::optional<json::object> RoomRegistry::describeRoom(std::string_view roomId) const {
  const auto found = rooms_.find(roomId);
  if (found == rooms_.end()) {
    return std::nullopt;
  }
  const Room& room = *found->second;
  json::array participants;
  for (const auto& participant : room.participants) {
    json::object description = describeParticipant(*participant);
    description["connected"] = participant->connection != nullptr;
    description["transports"] = json::object{{"publish", stateOf(participant->publish)},
                                             {"subscribe", stateOf(participant->subscribe)}};
    participants.push_back(std::move(description));
  }
  const auto codec = roomVideoCodec(room);
  return json::object{{"id", room.id},
                      {"kind", toString(room.kind)},
                      {"video_codec", codec ? json::value(codec->encodingName) : nullptr},
                      {"participants", std::move(participants)}};
}

bool RoomRegistry::kick(std::string_view roomId, std::string_view participantId) {
  const auto found = rooms_.find(roomId);
  if (found == rooms_.end()) {
    return false;
  }
  for (const auto& participant : found->second->participants) {
    if (participant->id == participantId) {
      removeParticipant(*participant, LeaveReason::kKicked, std::chrono::steady_clock::now());
      return true;
    }
  }
  return false;
}

bool RoomRegistry::muteTrack(std::string_view roomId, std::string_view trackId, bool muted) {
  const auto found = rooms_.find(roomId);
  if (found == rooms_.end()) {
    return false;
  }
  for (const auto& participant : found->second->participants) {
    for (auto& track : participant->tracks) {
      if (track.id != trackId) {
        continue;
      }
      if (track.muted != muted) {
        track.muted = muted;
        broadcast(
            *found->second, nullptr,
            event(muted ? "track_muted" : "track_unmuted",
                  {{"track_id", track.id}, {"participant_id", participant->id}, {"by", "server"}}));
      }
      return true;
    }
  }
  return false;
}

bool RoomRegistry::closeRoom(std::string_view roomId) {
  const auto found = rooms_.find(roomId);
  if (found == rooms_.end()) {
    return false;
  }
  const auto now = std::chrono::steady_clock::now();
  while (!found->second->participants.empty()) {
    removeParticipant(*found->second->participants.front(), LeaveReason::kRoomClosed, now);
  }
  rooms_.erase(found);
  ++counters_.roomsClosed;
  return true;
}

}  // namespace chorus::signaling
