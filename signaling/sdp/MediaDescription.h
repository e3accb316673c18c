#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "signaling/sdp/SdpAttributes.h"

namespace chorus::signaling {

// One m-section (RFC 8866 §5.14) with the attributes WebRTC uses in it (RFC 8829 §5.2).
// Attributes this parser does not interpret are kept in otherAttributes.
struct MediaDescription {
  // m=<media> <port>[/<count>] <proto> <fmt> ...
  std::string media;  // "audio", "video", "application"
  std::uint16_t port = 0;
  std::optional<std::uint16_t> portCount;
  std::string protocol;              // "UDP/TLS/RTP/SAVPF", "UDP/DTLS/SCTP"
  std::vector<std::string> formats;  // payload types for RTP, "webrtc-datachannel" for SCTP

  std::vector<SdpLine> fields;  // the section's i=, c=, b= and k= lines, in order

  std::optional<std::string> mid;
  std::optional<SdpDirection> direction;  // nothing: sendrecv (RFC 8866 §6.7)
  bool rtcpMux = false;
  bool rtcpMuxOnly = false;
  bool rtcpRsize = false;
  bool extmapAllowMixed = false;
  TransportAttributes transport;
  std::vector<std::string> candidates;  // the values after "a=candidate:", as sent
  bool endOfCandidates = false;
  // RFC 8843 §6: a=bundle-only, on a port-0 m-section that joins the offer's BUNDLE group
  // (Firefox offers every m-section but the first so with bundlePolicy max-bundle).
  bool bundleOnly = false;

  std::vector<RtpMap> rtpMaps;
  std::vector<Fmtp> fmtps;
  std::vector<RtcpFeedback> rtcpFeedback;
  std::vector<ExtMap> extmaps;
  std::vector<Msid> msids;
  std::vector<SsrcAttribute> ssrcs;
  std::vector<SsrcGroup> ssrcGroups;
  std::vector<Rid> rids;
  std::optional<Simulcast> simulcast;
  std::optional<std::uint16_t> sctpPort;        // RFC 8841 §5
  std::optional<std::uint64_t> maxMessageSize;  // RFC 8841 §6

  std::vector<SdpAttribute> otherAttributes;

  // True when the protocol carries RTP, so formats are payload types (checked by the parser).
  bool isRtp() const;
  // RFC 8866 §5.14 and RFC 8843 §6: port 0 rejects (or disables) the m-section, unless it is
  // bundle-only.
  bool isRejected() const;
  std::vector<std::uint8_t> payloadTypes() const;

  const RtpMap* rtpMapOf(std::uint8_t payloadType) const;
  const Fmtp* fmtpOf(std::uint8_t payloadType) const;
  // The payload type's feedback, "*" entries included.
  std::vector<RtcpFeedback> rtcpFeedbackOf(std::uint8_t payloadType) const;

  friend bool operator==(const MediaDescription&, const MediaDescription&) = default;
};

}  // namespace chorus::signaling
