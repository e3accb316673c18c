#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "media/routing/RouteSpec.h"
#include "media/security/DtlsFingerprint.h"
#include "signaling/room/MediaTransports.h"
#include "signaling/sdp/MediaNegotiation.h"
#include "signaling/sdp/SessionDescription.h"

namespace chorus::signaling {

// Why an offer cannot be used for a transport (docs/signaling.md, `publish`).
enum class OfferProblem : std::uint8_t {
  kNone,
  kNoBundle,          // RFC 8843: Chorus runs every m-section over one transport
  kNoRtcpMux,         // RFC 8035: RTP and RTCP share the transport
  kNoIceCredentials,  // a=ice-ufrag and a=ice-pwd
  kNoFingerprint,     // a=fingerprint with a hash Chorus verifies
  kBadSetup,          // a=setup:holdconn, or a role the other side must take
};

std::string_view describe(OfferProblem problem) noexcept;

// The peer's transport as its description announces it (the first bundled m-section's
// attributes, falling back to the session level), or why it cannot be used. `offer` says
// whether the description is an offer (a=setup actpass or active makes us passive, the DTLS
// server) or an answer to ours (active makes us the DTLS server, passive the client).
struct RemoteTransportCheck {
  std::optional<RemoteTransport> transport;
  OfferProblem problem = OfferProblem::kNone;
};
RemoteTransportCheck readRemoteTransport(const SessionDescription& description, bool offer);

// One m-section the publisher sends on.
struct PublishedSection {
  std::string mid;
  std::string kind;        // "audio" or "video"
  MediaDescription offer;  // kept for the routing core: SSRCs, RTX groups, rids, extensions
  RtpMap codec;            // the negotiated codec: its payload type and clock rate

  // The publisher's media and RTX SSRCs: an a=ssrc-group:FID pair (RFC 4588 §8.1), else the
  // first a=ssrc. 0 when the offer names none.
  std::pair<std::uint32_t, std::uint32_t> ssrcs() const;
  // The offer's ids of the header extensions the router reads.
  media::RtpExtensionIds extensionIds() const;
};

struct PublishAnswer {
  SessionDescription answer;
  std::vector<PublishedSection> sections;
  // The m-section whose codecs the room cannot take, when the answer is refused.
  std::optional<std::string> unsupportedMid;
};

// Answers a publish offer (RFC 3264 §6): every audio or video m-section the client sends on is
// accepted recvonly with the codecs of `capabilities` (the room's: Opus, and its one video
// codec), others are rejected with port 0 and left out of the BUNDLE group.
PublishAnswer answerPublish(const SessionDescription& offer, const MediaCapabilities& capabilities,
                            const LocalTransport& local, const media::DtlsFingerprint& fingerprint,
                            media::DtlsRole localRole);

// Caps what the publisher sends on each accepted video m-section of `answer` at `kbps` (0: no
// cap): b=AS (RFC 8866 §5.8, kilobits per second) and b=TIAS (RFC 3890 §6.2, bits per second
// without IP and UDP overhead), replacing any b= line already there.
void capVideoBitrate(SessionDescription& answer, std::uint32_t kbps);

// Records `id` as the local id of the extension `uri`, if it is one the router reads.
void assignExtensionId(media::RtpExtensionIds& ids, std::string_view uri, std::uint8_t id);

// What our SDP says about our transport in each m-section: ICE credentials, the fingerprint,
// the DTLS role (RFC 8842 §5.1), and our ICE-lite host candidates.
void describeLocalTransport(MediaDescription& section, const LocalTransport& local,
                            const media::DtlsFingerprint& fingerprint, SdpSetup setup);

// The session lines every description Chorus writes starts with (RFC 8866 §5).
SessionDescription chorusSession(std::string_view sessionId, std::uint64_t version);

}  // namespace chorus::signaling
