#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "media/ice/IceCredentials.h"
#include "media/security/DtlsFingerprint.h"
#include "media/wire/SocketAddress.h"

namespace chorus::bench {

// Header extension ids of a publish offer, as Chromium numbers them (RFC 8285 one-byte ids):
// the synthetic sources write these, and the server answers with the offered ids.
namespace extension {
inline constexpr std::uint8_t kAudioLevel = 1;
inline constexpr std::uint8_t kAbsSendTime = 2;
inline constexpr std::uint8_t kTransportCc = 3;
inline constexpr std::uint8_t kMid = 4;
}  // namespace extension

inline constexpr std::uint8_t kOpusPayloadType = 111;
inline constexpr std::uint8_t kVp8PayloadType = 96;
inline constexpr std::uint8_t kVp8RtxPayloadType = 97;

// What a publish offer announces: the client's transport and its two sources' SSRCs.
struct PublishOfferSpec {
  media::IceCredentials ice;
  media::DtlsFingerprint fingerprint{media::DtlsHashFunction::kSha256, {}};
  std::string streamId;  // a=msid's stream id, as a browser's MediaStream id
  std::uint32_t audioSsrc = 0;
  std::uint32_t videoSsrc = 0;
  std::uint32_t videoRtxSsrc = 0;
  // The transport's host candidate, gathered before the offer is sent (RFC 8839 §4.2.1.1):
  // Janus's ICE-lite agent waits for the client's candidates, Chorus learns the address from
  // the checks.
  std::optional<media::SocketAddress> candidate;
};

// The server's side of a transport, from its SDP: where to send checks, how to sign them, and
// whose certificate DTLS must present.
struct RemoteTransport {
  media::IceCredentials ice;
  media::DtlsFingerprint fingerprint{media::DtlsHashFunction::kSha256, {}};
  media::SocketAddress address;  // its UDP host candidate
  // RFC 5763 §5: the server's a=setup said active, so it is the DTLS client and the harness's
  // transport the DTLS server (Janus answers publishers so; Chorus answers passive).
  bool serverIsDtlsClient = false;
};

// A stream the server offers a subscriber: its SSRC (the server's, for this subscriber) and
// the publisher it comes from (a=msid's stream id: the publisher's participant id).
struct OfferedStream {
  std::uint32_t ssrc = 0;
  bool video = false;
  std::string publisher;
  std::uint8_t absSendTimeId = 0;  // 0: not negotiated
};

struct SubscribeAnswer {
  std::string sdp;
  RemoteTransport server;
  std::vector<OfferedStream> streams;  // the offer's active (sendonly) m-sections
};

// The SDP a browser writes, through signaling/sdp's model: a Chromium-like publish offer
// (Opus; VP8 with RTX; audio level, abs-send-time, transport-wide-cc and mid; BUNDLE,
// rtcp-mux, a=ssrc lines the server routes by), and the answer to a subscribe offer (every
// offered codec and extension accepted, recvonly, DTLS client: a=setup:active).
class BrowserSdp {
 public:
  static std::string publishOffer(const PublishOfferSpec& spec);
  // Throws std::runtime_error for an answer without ICE credentials, fingerprint or an IPv4
  // UDP candidate.
  static RemoteTransport remoteTransport(const std::string& answerSdp);
  static SubscribeAnswer answerSubscribe(
      const std::string& offerSdp, const media::IceCredentials& ice,
      const media::DtlsFingerprint& fingerprint,
      const std::optional<media::SocketAddress>& candidate = std::nullopt);
};

}  // namespace chorus::bench
