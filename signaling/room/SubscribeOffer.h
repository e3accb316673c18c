#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "media/routing/RouteSpec.h"
#include "media/security/DtlsFingerprint.h"
#include "signaling/room/MediaTransports.h"
#include "signaling/sdp/CodecPreference.h"
#include "signaling/sdp/SessionDescription.h"

namespace chorus::signaling {

// One m-section of a subscriber's transport: a remote track it receives, or did. Sections are
// never removed or reused (docs/signaling.md, "Two transports per participant"), so mids stay
// stable across offers.
struct SubscribedSection {
  std::string mid;
  std::string kind;  // "audio" or "video"
  std::string participantId;
  std::string trackId;
  std::uint32_t ssrc = 0;     // the server's, for this subscriber
  std::uint32_t rtxSsrc = 0;  // video only
  bool active = true;         // false once the track is unpublished: a=inactive
};

// The payload types and header-extension ids of the server's offers: fixed, so every subscriber
// transport uses the same numbers (RFC 8843 §9.1.1: one id per extension across a BUNDLE group).
namespace subscribe_payload {
inline constexpr std::uint8_t kOpus = 111;
// Video codec i of the configured list gets 96 + 2i, its RTX 97 + 2i.
inline constexpr std::uint8_t kFirstVideo = 96;
}  // namespace subscribe_payload

// The header-extension ids of every subscribe offer, for an audio or a video m-section.
media::RtpExtensionIds subscribeExtensionIds(bool video);

// Writes the server's offer for a subscriber's transport (RFC 3264 §5): one sendonly m-section
// per active section, with Opus or the room's video codec (`videoCodec`, index `videoIndex` of
// the configured list) plus RTX, the feedback and extensions Chorus sends, and msid
// "<participant_id> <track_id>" so the client knows whose track it is.
SessionDescription offerSubscribe(const std::vector<SubscribedSection>& sections,
                                  const std::optional<CodecPreference>& videoCodec,
                                  std::size_t videoIndex, const LocalTransport& local,
                                  const media::DtlsFingerprint& fingerprint,
                                  std::uint64_t revision);

}  // namespace chorus::signaling
