#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "media/security/DtlsFingerprint.h"

// The values of the SDP lines WebRTC uses (RFC 8866 with the attributes of RFC 8829 §5), as
// SessionDescription and MediaDescription hold them. Plain values: compared whole, so a parse,
// write and parse again can be checked for equality.
namespace chorus::signaling {

// A line kept as it was: its type letter and its value ("c", "IN IP4 0.0.0.0").
struct SdpLine {
  char type = 0;
  std::string value;

  friend bool operator==(const SdpLine&, const SdpLine&) = default;
};

// An attribute this parser does not interpret, kept so nothing is lost: "a=name" (no value)
// or "a=name:value".
struct SdpAttribute {
  std::string name;
  std::optional<std::string> value;

  friend bool operator==(const SdpAttribute&, const SdpAttribute&) = default;
};

// RFC 8866 §6.7 (and RFC 8843 for recvonly/sendonly with BUNDLE).
enum class SdpDirection : std::uint8_t { kSendRecv, kSendOnly, kRecvOnly, kInactive };

// RFC 4145 §4 as used by DTLS-SRTP (RFC 8842 §5.1).
enum class SdpSetup : std::uint8_t { kActPass, kActive, kPassive, kHoldConn };

// a=ice-ufrag, ice-pwd, ice-options (RFC 8839 §5.4, §5.6), a=fingerprint (RFC 8122 §5) and
// a=setup: allowed at session level and in each m-section, where they override.
struct TransportAttributes {
  std::optional<std::string> iceUfrag;
  std::optional<std::string> icePwd;
  std::vector<std::string> iceOptions;
  std::vector<media::DtlsFingerprint> fingerprints;
  std::optional<SdpSetup> setup;

  friend bool operator==(const TransportAttributes&, const TransportAttributes&) = default;
};

// a=group:BUNDLE 0 1 2 (RFC 5888 §5, RFC 8843 §7).
struct SdpGroup {
  std::string semantics;
  std::vector<std::string> mids;

  friend bool operator==(const SdpGroup&, const SdpGroup&) = default;
};

// a=rtpmap:<pt> <encoding name>/<clock rate>[/<channels>] (RFC 8866 §6.6).
struct RtpMap {
  std::uint8_t payloadType = 0;
  std::string encodingName;
  std::uint32_t clockRate = 0;
  std::optional<std::uint32_t> channels;

  friend bool operator==(const RtpMap&, const RtpMap&) = default;
};

// a=fmtp:<pt> <parameters> (RFC 8866 §6.15), parameters split at ';' into key=value. A
// parameter without '=' (telephone-event's "0-16", RED's "111/111") is a key with an empty value.
struct Fmtp {
  std::uint8_t payloadType = 0;
  std::map<std::string, std::string> parameters;

  friend bool operator==(const Fmtp&, const Fmtp&) = default;
};

// a=rtcp-fb:<pt or *> <type> [<parameter>] (RFC 4585 §4.2): "nack", "nack pli", "ccm fir",
// "goog-remb", "transport-cc".
struct RtcpFeedback {
  std::optional<std::uint8_t> payloadType;  // nothing: "*", every payload type
  std::string type;
  std::optional<std::string> parameter;

  friend bool operator==(const RtcpFeedback&, const RtcpFeedback&) = default;
};

// a=extmap:<id>[/<direction>] <uri> [<extension attributes>] (RFC 8285 §8).
struct ExtMap {
  std::uint8_t id = 0;  // 1 to 255 (RFC 8285 §5: 1-14 one-byte, up to 255 two-byte)
  std::optional<SdpDirection> direction;
  std::string uri;
  std::optional<std::string> attributes;

  friend bool operator==(const ExtMap&, const ExtMap&) = default;
};

// a=msid:<stream id> [<track id>] (RFC 8830 §2).
struct Msid {
  std::string streamId;
  std::optional<std::string> trackId;

  friend bool operator==(const Msid&, const Msid&) = default;
};

// a=ssrc:<ssrc> <attribute>[:<value>] (RFC 5576 §4.1): "cname:...", "msid:...".
struct SsrcAttribute {
  std::uint32_t ssrc = 0;
  std::string attribute;
  std::optional<std::string> value;

  friend bool operator==(const SsrcAttribute&, const SsrcAttribute&) = default;
};

// a=ssrc-group:<semantics> <ssrc> ... (RFC 5576 §4.2): FID pairs a stream with its RTX
// (RFC 4588 §8.1), SIM lists simulcast streams.
struct SsrcGroup {
  std::string semantics;
  std::vector<std::uint32_t> ssrcs;

  friend bool operator==(const SsrcGroup&, const SsrcGroup&) = default;
};

// a=rid:<id> send|recv [<restrictions>] (RFC 8851 §4), restrictions split at ';' into
// key=value ("pt=96,97;max-width=1280").
struct Rid {
  enum class Direction : std::uint8_t { kSend, kRecv };

  std::string id;
  Direction direction = Direction::kSend;
  std::map<std::string, std::string> restrictions;

  friend bool operator==(const Rid&, const Rid&) = default;
};

// a=simulcast (RFC 8853 §5.1): for each direction, a list of streams, each a list of
// alternative rids, a rid prefixed "~" being paused.
struct SimulcastRid {
  std::string rid;
  bool paused = false;

  friend bool operator==(const SimulcastRid&, const SimulcastRid&) = default;
};

using SimulcastStreams = std::vector<std::vector<SimulcastRid>>;

struct Simulcast {
  SimulcastStreams send;
  SimulcastStreams recv;

  friend bool operator==(const Simulcast&, const Simulcast&) = default;
};

}  // namespace chorus::signaling
