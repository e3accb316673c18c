#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "signaling/sdp/CodecPreference.h"
#include "signaling/sdp/MediaDescription.h"
#include "signaling/sdp/SdpAttributes.h"

namespace chorus::signaling {

// RFC 8285 extension URIs Chorus negotiates.
namespace rtp_extension {
inline constexpr std::string_view kMid = "urn:ietf:params:rtp-hdrext:sdes:mid";
inline constexpr std::string_view kRid = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
inline constexpr std::string_view kRepairedRid =
    "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
inline constexpr std::string_view kAbsSendTime =
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
inline constexpr std::string_view kTransportWideCc =
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
inline constexpr std::string_view kAudioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
inline constexpr std::string_view kVideoOrientation = "urn:3gpp:video-orientation";
inline constexpr std::string_view kPlayoutDelay =
    "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";
}  // namespace rtp_extension

// What the server can receive and forward: its codecs in preference order, the RTCP feedback it
// understands and the header extensions it reads.
struct MediaCapabilities {
  std::vector<CodecPreference> audioCodecs;
  std::vector<CodecPreference> videoCodecs;
  std::vector<RtcpFeedback> feedback;  // payload types unset
  std::vector<std::string> headerExtensions;

  // Opus; VP8, VP9 profile 0, H.264 Constrained Baseline and Main, AV1, all with RTX; nack,
  // nack pli, ccm fir, goog-remb, transport-cc; the eight extensions above.
  static MediaCapabilities defaults();

  const std::vector<CodecPreference>& codecsFor(const MediaDescription& offer) const;
};

struct NegotiatedCodec {
  RtpMap rtpMap;  // the offered payload type and encoding
  std::map<std::string, std::string> fmtp;
  std::vector<RtcpFeedback> feedback;  // the offer's, limited to what the server understands
  std::optional<std::uint8_t> rtxPayloadType;

  friend bool operator==(const NegotiatedCodec&, const NegotiatedCodec&) = default;
};

struct NegotiatedMedia {
  std::vector<NegotiatedCodec> codecs;  // in the server's preference order
  std::vector<ExtMap> extensions;       // with the offer's ids

  // Each codec's payload type followed by its RTX payload type, for the answer's m= line.
  std::vector<std::uint8_t> payloadTypes() const;
};

// Intersects one offered m-section with the server's capabilities (RFC 3264 §6.1): for each
// configured codec in order, the first offered payload type that matches it, with its RTX
// partner (an offered "rtx" whose fmtp apt names it, RFC 4588 §8.1), its rtcp-fb lines that
// the server understands ("*" lines included) and the answer's fmtp; and the offered header
// extensions the server reads, with the offered ids (RFC 8285 §6: the answer keeps them) and
// the offered directions mirrored (RFC 8285 §7).
NegotiatedMedia negotiateMedia(const MediaDescription& offer,
                               const MediaCapabilities& capabilities);

// A room's codec (docs/signaling.md, "SDP"): the first of the configured codecs that every
// participant's offered m-section supports. Nothing when there is none in common.
std::optional<std::size_t> chooseRoomCodec(std::span<const CodecPreference> configured,
                                           std::span<const MediaDescription> participants);

}  // namespace chorus::signaling
