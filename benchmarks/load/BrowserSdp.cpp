#include "benchmarks/load/BrowserSdp.h"

#include <charconv>
#include <sstream>
#include <stdexcept>

#include <boost/asio/ip/address.hpp>

#include "signaling/sdp/SessionDescription.h"

namespace chorus::bench {
namespace {

using signaling::ExtMap;
using signaling::MediaDescription;
using signaling::SdpDirection;
using signaling::SessionDescription;

constexpr std::string_view kProtocol = "UDP/TLS/RTP/SAVPF";
constexpr std::string_view kAbsSendTimeUri =
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";

signaling::TransportAttributes transportOf(const media::IceCredentials& ice,
                                           const media::DtlsFingerprint& fingerprint,
                                           signaling::SdpSetup setup) {
  signaling::TransportAttributes transport;
  transport.iceUfrag = ice.ufrag;
  transport.icePwd = ice.pwd;
  transport.iceOptions = {"trickle"};
  transport.fingerprints = {fingerprint};
  transport.setup = setup;
  return transport;
}

MediaDescription section(std::string media, std::string mid,
                         signaling::TransportAttributes transport) {
  MediaDescription section;
  section.media = std::move(media);
  section.port = 9;  // RFC 8840 §4.1.1: the port of a description with no candidate yet
  section.protocol = kProtocol;
  section.fields = {{'c', "IN IP4 0.0.0.0"}};
  section.mid = std::move(mid);
  section.rtcpMux = true;
  section.rtcpRsize = true;
  section.transport = std::move(transport);
  return section;
}

void announceSsrc(MediaDescription& section, std::uint32_t ssrc, const std::string& cname,
                  const std::string& msid) {
  section.ssrcs.push_back({ssrc, "cname", cname});
  section.ssrcs.push_back({ssrc, "msid", msid});
}

// "<foundation> <component> <transport> <priority> <address> <port> typ <type> ..." (RFC 8839
// §5.1): the first IPv4 UDP host candidate.
std::optional<media::SocketAddress> udpCandidate(const std::vector<std::string>& candidates) {
  for (const auto& candidate : candidates) {
    std::istringstream fields(candidate);
    std::string foundation;
    std::string component;
    std::string transport;
    std::string priority;
    std::string address;
    std::string port;
    fields >> foundation >> component >> transport >> priority >> address >> port;
    boost::system::error_code error;
    const auto ip = boost::asio::ip::make_address(address, error);
    std::uint16_t portNumber = 0;
    const auto parsed = std::from_chars(port.data(), port.data() + port.size(), portNumber);
    if (error || !ip.is_v4() || parsed.ec != std::errc() ||
        (transport != "udp" && transport != "UDP")) {
      continue;
    }
    return media::SocketAddress::ipv4(ip.to_v4().to_bytes(), portNumber);
  }
  return std::nullopt;
}

// RFC 8839 §5.1 with RFC 8445 §5.1.2.1's priority for a host candidate of component 1; the
// one candidate ends the list, as a browser that gathered before offering says.
void addCandidate(MediaDescription& section, const std::optional<media::SocketAddress>& address) {
  if (!address) {
    return;
  }
  constexpr std::uint32_t kHostPriority = (126U << 24U) | (65535U << 8U) | 255U;
  section.candidates = {"1 1 udp " + std::to_string(kHostPriority) + " " + address->ipText() + " " +
                        std::to_string(address->port) + " typ host"};
  section.endOfCandidates = true;
}

SessionDescription parseOrThrow(const std::string& sdp) {
  auto parsed = SessionDescription::parse(sdp);
  if (!parsed.description) {
    throw std::runtime_error("server SDP does not parse");
  }
  return std::move(*parsed.description);
}

RemoteTransport remoteTransportOf(const SessionDescription& session) {
  if (session.media.empty()) {
    throw std::runtime_error("server SDP has no m-section");
  }
  const MediaDescription& first = session.media.front();
  // RFC 8839 §5.4, RFC 8122 §5: each attribute may be at session level, a media-level one
  // overriding it (Janus puts its fingerprint at session level, its ufrag in each m-section).
  signaling::TransportAttributes transport = first.transport;
  if (!transport.iceUfrag) {
    transport.iceUfrag = session.transport.iceUfrag;
    transport.icePwd = session.transport.icePwd;
  }
  if (transport.fingerprints.empty()) {
    transport.fingerprints = session.transport.fingerprints;
  }
  if (!transport.setup) {
    transport.setup = session.transport.setup;
  }
  const auto address = udpCandidate(first.candidates);
  if (!transport.iceUfrag || !transport.icePwd || transport.fingerprints.empty() || !address) {
    throw std::runtime_error("server SDP lacks ICE credentials, fingerprint or a UDP candidate");
  }
  return {{*transport.iceUfrag, *transport.icePwd},
          transport.fingerprints.front(),
          *address,
          transport.setup == signaling::SdpSetup::kActive};
}

}  // namespace

std::string BrowserSdp::publishOffer(const PublishOfferSpec& spec) {
  SessionDescription session;
  session.origin = {"-", std::to_string(spec.audioSsrc), "2", "IN", "IP4", "127.0.0.1"};
  session.fields = {{'t', "0 0"}};
  session.groups = {{"BUNDLE", {"0", "1"}}};
  session.extmapAllowMixed = true;
  session.msidSemantic = " WMS " + spec.streamId;
  const auto transport = transportOf(spec.ice, spec.fingerprint, signaling::SdpSetup::kActPass);
  const std::string cname = spec.streamId;

  MediaDescription audio = section("audio", "0", transport);
  audio.formats = {std::to_string(kOpusPayloadType)};
  audio.direction = SdpDirection::kSendOnly;
  audio.extmaps = {
      ExtMap{extension::kAudioLevel, {}, "urn:ietf:params:rtp-hdrext:ssrc-audio-level", {}},
      ExtMap{extension::kAbsSendTime, {}, std::string(kAbsSendTimeUri), {}},
      ExtMap{extension::kTransportCc,
             {},
             "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
             {}},
      ExtMap{extension::kMid, {}, "urn:ietf:params:rtp-hdrext:sdes:mid", {}}};
  audio.msids = {{spec.streamId, spec.streamId + "-audio"}};
  audio.rtpMaps = {{kOpusPayloadType, "opus", 48000, 2}};
  audio.fmtps = {{kOpusPayloadType, {{"minptime", "10"}, {"useinbandfec", "1"}}}};
  audio.rtcpFeedback = {{kOpusPayloadType, "transport-cc", {}}};
  announceSsrc(audio, spec.audioSsrc, cname, spec.streamId + " " + spec.streamId + "-audio");

  MediaDescription video = section("video", "1", transport);
  video.formats = {std::to_string(kVp8PayloadType), std::to_string(kVp8RtxPayloadType)};
  video.direction = SdpDirection::kSendOnly;
  video.extmaps = {audio.extmaps[1], audio.extmaps[2], audio.extmaps[3]};
  video.msids = {{spec.streamId, spec.streamId + "-video"}};
  video.rtpMaps = {{kVp8PayloadType, "VP8", 90000, {}}, {kVp8RtxPayloadType, "rtx", 90000, {}}};
  video.fmtps = {{kVp8RtxPayloadType, {{"apt", std::to_string(kVp8PayloadType)}}}};
  for (const char* type : {"goog-remb", "transport-cc", "ccm", "nack", "nack"}) {
    video.rtcpFeedback.push_back({kVp8PayloadType, type, {}});
  }
  video.rtcpFeedback[2].parameter = "fir";
  video.rtcpFeedback[4].parameter = "pli";
  video.ssrcGroups = {{"FID", {spec.videoSsrc, spec.videoRtxSsrc}}};
  const std::string videoMsid = spec.streamId + " " + spec.streamId + "-video";
  announceSsrc(video, spec.videoSsrc, cname, videoMsid);
  announceSsrc(video, spec.videoRtxSsrc, cname, videoMsid);

  addCandidate(audio, spec.candidate);
  addCandidate(video, spec.candidate);
  session.media = {std::move(audio), std::move(video)};
  return session.toSdp();
}

RemoteTransport BrowserSdp::remoteTransport(const std::string& answerSdp) {
  return remoteTransportOf(parseOrThrow(answerSdp));
}

SubscribeAnswer BrowserSdp::answerSubscribe(const std::string& offerSdp,
                                            const media::IceCredentials& ice,
                                            const media::DtlsFingerprint& fingerprint,
                                            const std::optional<media::SocketAddress>& candidate) {
  const SessionDescription offer = parseOrThrow(offerSdp);
  SubscribeAnswer result{{}, remoteTransportOf(offer), {}};
  SessionDescription answer;
  answer.origin = {"-", offer.origin.sessionId, "1", "IN", "IP4", "127.0.0.1"};
  answer.fields = {{'t', "0 0"}};
  answer.groups = offer.groups;
  answer.extmapAllowMixed = offer.extmapAllowMixed;
  answer.msidSemantic = " WMS";
  // RFC 5763 §5: the offerer said actpass, so the answerer picks; browsers take active.
  const auto transport = transportOf(ice, fingerprint, signaling::SdpSetup::kActive);
  for (const MediaDescription& offered : offer.media) {
    MediaDescription answered = section(offered.media, offered.mid.value_or(""), transport);
    answered.formats = offered.formats;
    answered.rtpMaps = offered.rtpMaps;
    answered.fmtps = offered.fmtps;
    answered.rtcpFeedback = offered.rtcpFeedback;
    for (ExtMap map : offered.extmaps) {
      map.direction.reset();
      answered.extmaps.push_back(std::move(map));
    }
    const bool sending = offered.direction == SdpDirection::kSendOnly;
    answered.direction = sending ? SdpDirection::kRecvOnly : SdpDirection::kInactive;
    if (sending && !offered.ssrcs.empty()) {
      OfferedStream stream;
      stream.ssrc = offered.ssrcs.front().ssrc;
      for (const auto& group : offered.ssrcGroups) {
        if (group.semantics == "FID" && !group.ssrcs.empty()) {
          stream.ssrc = group.ssrcs.front();
        }
      }
      stream.video = offered.media == "video";
      stream.publisher = offered.msids.empty() ? std::string() : offered.msids.front().streamId;
      for (const ExtMap& map : offered.extmaps) {
        if (map.uri == kAbsSendTimeUri) {
          stream.absSendTimeId = map.id;
        }
      }
      result.streams.push_back(std::move(stream));
    }
    addCandidate(answered, candidate);
    answer.media.push_back(std::move(answered));
  }
  result.sdp = answer.toSdp();
  return result;
}

}  // namespace chorus::bench
