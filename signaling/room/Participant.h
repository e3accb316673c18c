#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "signaling/auth/AccessToken.h"
#include "signaling/room/MediaTransports.h"
#include "signaling/room/PublishAnswer.h"
#include "signaling/room/SubscribeOffer.h"

namespace chorus::signaling {

// One of a participant's two transports (docs/signaling.md, "Two transports per participant").
struct TransportSlot {
  std::optional<LocalTransport> local;    // reserved when our first SDP for it is written
  std::optional<RemoteTransport> remote;  // read from the client's SDP
  bool open = false;                      // handed to the media plane
  TransportState state = TransportState::kConnecting;
};

// A published audio or video source.
struct PublishedTrack {
  std::string id;  // "<participant_id>/<mid>"
  std::string mid;
  std::string kind;
  bool muted = false;
  media::StreamKey key = 0;  // the routing core's number for it
};

// One join of one connection (docs/signaling.md, "Model").
struct Participant {
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit Participant(AccessToken token) : identity(std::move(token)) {}

  std::string id;
  std::string roomId;
  Placement placement;  // where its transports live
  std::string name;
  AccessToken identity;  // the token it joined with: its user id and grants
  // Where its events go; null while its connection is away (the resume window).
  ParticipantConnection* connection = nullptr;
  std::optional<TimePoint> detachedSince;
  std::string resumeToken;
  TimePoint joinedAt{};        // when its join request came
  bool receivedMedia = false;  // a first media packet was forwarded to it

  TransportSlot publish;
  std::vector<PublishedTrack> tracks;
  std::vector<PublishedSection> publishedSections;  // the routing core's view of its offer

  TransportSlot subscribe;
  std::vector<SubscribedSection> sections;
  std::uint64_t revision = 0;                // of the last subscribe offer sent
  std::optional<std::uint64_t> outstanding;  // the offer waiting for an answer
  std::size_t offeredSections = 0;           // sections in the outstanding offer
  std::size_t answeredSections = 0;          // sections the client has answered: routed
  bool offerNeeded = false;                  // the sections changed since the last offer
  bool newTransport = false;                 // the next offer is for a new RTCPeerConnection

  // How loud its audio was in the last measurement (media::SpeechActivity, 0 to 127).
  std::uint8_t loudness = 0;

  // Since when every transport it has is failed: after the resume window it is removed.
  std::optional<TimePoint> failedSince;
};

}  // namespace chorus::signaling
