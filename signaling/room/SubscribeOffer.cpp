#include "signaling/room/SubscribeOffer.h"

#include <array>

#include "signaling/room/PublishAnswer.h"
#include "signaling/sdp/MediaNegotiation.h"

namespace chorus::signaling {

namespace {

struct ExtensionId {
  std::string_view uri;
  std::uint8_t id;
  bool audio;
  bool video;
};

// Ids 1-14 fit the one-byte header form (RFC 8285 §4.2) every browser reads.
constexpr std::array<ExtensionId, 6> kExtensions{{
    {rtp_extension::kMid, 1, true, true},
    {rtp_extension::kAbsSendTime, 2, true, true},
    {rtp_extension::kTransportWideCc, 3, true, true},
    {rtp_extension::kAudioLevel, 4, true, false},
    {rtp_extension::kVideoOrientation, 5, false, true},
    {rtp_extension::kPlayoutDelay, 6, false, true},
}};

// What the sender asks of the receiver in the fmtp of its offer.
std::map<std::string, std::string> offerFmtp(const CodecPreference& codec) {
  if (codec.h264Profile) {
    // RFC 6184 §8.1: level 3.1; the receiver may send its own level (asymmetry allowed).
    const char* const profileLevelId =
        *codec.h264Profile == H264Profile::kMain ? "4d001f" : "42e01f";
    return {{"level-asymmetry-allowed", "1"},
            {"packetization-mode", "1"},
            {"profile-level-id", profileLevelId}};
  }
  if (codec.profile && codec.encodingName == "VP9") {
    return {{"profile-id", *codec.profile}};
  }
  if (codec.profile) {
    return {{"profile", *codec.profile}};
  }
  return {};
}

void addVideoCodec(MediaDescription& section, const CodecPreference& codec,
                   std::uint8_t payloadType) {
  const auto rtx = static_cast<std::uint8_t>(payloadType + 1);
  section.formats = {std::to_string(payloadType), std::to_string(rtx)};
  section.rtpMaps = {{payloadType, codec.encodingName, codec.clockRate, {}},
                     {rtx, "rtx", codec.clockRate, {}}};
  auto fmtp = offerFmtp(codec);
  if (!fmtp.empty()) {
    section.fmtps.push_back({payloadType, std::move(fmtp)});
  }
  section.fmtps.push_back({rtx, {{"apt", std::to_string(payloadType)}}});
  for (const auto& [type, parameter] : {std::pair<const char*, const char*>{"goog-remb", nullptr},
                                        {"transport-cc", nullptr},
                                        {"ccm", "fir"},
                                        {"nack", nullptr},
                                        {"nack", "pli"}}) {
    section.rtcpFeedback.push_back(
        {payloadType, type,
         parameter != nullptr ? std::optional<std::string>(parameter) : std::nullopt});
  }
}

void addOpus(MediaDescription& section) {
  section.formats = {std::to_string(subscribe_payload::kOpus)};
  section.rtpMaps = {{subscribe_payload::kOpus, "opus", 48000, 2}};
  section.fmtps = {{subscribe_payload::kOpus, {{"minptime", "10"}, {"useinbandfec", "1"}}}};
  section.rtcpFeedback = {{subscribe_payload::kOpus, "transport-cc", std::nullopt}};
}

}  // namespace

media::RtpExtensionIds subscribeExtensionIds(bool video) {
  media::RtpExtensionIds ids;
  for (const auto& extension : kExtensions) {
    if (video ? extension.video : extension.audio) {
      assignExtensionId(ids, extension.uri, extension.id);
    }
  }
  return ids;
}

SessionDescription offerSubscribe(const std::vector<SubscribedSection>& sections,
                                  const std::optional<CodecPreference>& videoCodec,
                                  std::size_t videoIndex, const LocalTransport& local,
                                  const media::DtlsFingerprint& fingerprint,
                                  std::uint64_t revision) {
  SessionDescription offer = chorusSession(std::to_string(local.id), revision);
  offer.msidSemantic = "WMS *";
  SdpGroup bundle{"BUNDLE", {}};
  const auto videoPayloadType =
      static_cast<std::uint8_t>(subscribe_payload::kFirstVideo + 2 * videoIndex);
  for (const auto& subscribed : sections) {
    MediaDescription section;
    section.media = subscribed.kind;
    section.port = 9;
    section.protocol = "UDP/TLS/RTP/SAVPF";
    section.mid = subscribed.mid;
    const bool video = subscribed.kind == "video";
    if (video && videoCodec) {
      addVideoCodec(section, *videoCodec, videoPayloadType);
    } else {
      addOpus(section);
    }
    for (const auto& extension : kExtensions) {
      if (video ? extension.video : extension.audio) {
        section.extmaps.push_back({extension.id, std::nullopt, std::string(extension.uri), {}});
      }
    }
    section.rtcpRsize = true;
    describeLocalTransport(section, local, fingerprint, SdpSetup::kActPass);
    if (subscribed.active) {
      section.direction = SdpDirection::kSendOnly;
      section.msids = {{subscribed.participantId, subscribed.trackId}};
      const std::string msid = subscribed.participantId + " " + subscribed.trackId;
      section.ssrcs.push_back({subscribed.ssrc, "cname", subscribed.participantId});
      section.ssrcs.push_back({subscribed.ssrc, "msid", msid});
      if (video) {
        section.ssrcGroups.push_back({"FID", {subscribed.ssrc, subscribed.rtxSsrc}});
        section.ssrcs.push_back({subscribed.rtxSsrc, "cname", subscribed.participantId});
        section.ssrcs.push_back({subscribed.rtxSsrc, "msid", msid});
      }
    } else {
      section.direction = SdpDirection::kInactive;
    }
    bundle.mids.push_back(subscribed.mid);
    offer.media.push_back(std::move(section));
  }
  offer.groups.push_back(std::move(bundle));
  return offer;
}

}  // namespace chorus::signaling
