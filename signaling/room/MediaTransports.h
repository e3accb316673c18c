#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "media/ice/IceCandidate.h"
#include "media/ice/IceCredentials.h"
#include "media/routing/RouteSpec.h"
#include "media/security/DtlsEndpoint.h"
#include "media/security/DtlsFingerprint.h"

namespace chorus::signaling {

using TransportId = std::uint64_t;

// What signaling is told about a transport (docs/signaling.md, "Events": transport_state).
enum class TransportState : std::uint8_t {
  kConnecting,  // opened, waiting for ICE and DTLS
  kConnected,   // DTLS-SRTP is up
  kFailed,      // ICE consent lost or DTLS failed: the media plane has removed it
};

std::string_view toString(TransportState state) noexcept;

// Our side of a transport before it is opened: what the SDP we write announces.
struct LocalTransport {
  TransportId id = 0;
  media::IceCredentials ice;
  std::vector<media::IceCandidate> candidates;
};

// Where a transport should live: the media plane keeps a room's transports together, so a
// small room's packets never cross workers, and spreads a large room's (docs/architecture.md,
// "Placement").
struct Placement {
  std::uint64_t room = 0;  // the room's number, in order of creation
  std::size_t member = 0;  // the participant's number in the room, in order of joining
};

// The peer's side, read from its SDP.
struct RemoteTransport {
  std::string iceUfrag;
  media::DtlsFingerprint fingerprint{media::DtlsHashFunction::kSha256, {}};
  media::DtlsRole localRole = media::DtlsRole::kServer;  // ours, from the peer's a=setup
};

// The media plane as signaling drives it: the server implements it on its worker shards and
// reports state changes back through RoomRegistry::onTransportState on the control thread.
class MediaTransports {
 public:
  virtual ~MediaTransports() = default;
  // A new transport id with fresh ICE credentials and the candidates of the worker it will
  // live on. Nothing runs until open().
  virtual LocalTransport reserve(const Placement& placement) = 0;
  virtual void open(const LocalTransport& local, const RemoteTransport& remote) = 0;
  // Closes and forgets a transport; no state change is reported for it afterwards.
  virtual void close(TransportId id) = 0;
  // RFC 8445 §9: the transport answers to new credentials from now on.
  virtual void restartIce(TransportId id, const media::IceCredentials& local,
                          std::string_view remoteUfrag) = 0;
  // The DTLS certificate's fingerprint, for a=fingerprint.
  virtual const media::DtlsFingerprint& fingerprint() const = 0;

  // Routes (docs/architecture.md, "Routing"): a stream a publisher's transport sends, and a
  // subscriber transport's copy of one. Adding an existing one replaces it.
  virtual void publishStream(const media::PublishedStreamSpec& stream) = 0;
  virtual void unpublishStream(const media::PublishedStreamSpec& stream) = 0;
  // `publisher`: the transport of the stream's publisher, which says where keyframe requests go.
  virtual void subscribe(const media::SubscriptionSpec& subscription, TransportId publisher) = 0;
  virtual void unsubscribe(const media::SubscriptionSpec& subscription, TransportId publisher) = 0;
};

// The signaling connection a participant is attached to: where its events go.
class ParticipantConnection {
 public:
  virtual ~ParticipantConnection() = default;
  virtual void sendEvent(std::string text) = 0;
};

}  // namespace chorus::signaling
