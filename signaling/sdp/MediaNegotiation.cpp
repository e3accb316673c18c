#include "signaling/sdp/MediaNegotiation.h"

#include <algorithm>
#include <string_view>

namespace chorus::signaling {
namespace {

// The first offered payload type that is this codec, in the offer's order.
std::optional<std::uint8_t> firstMatch(const MediaDescription& offer,
                                       const CodecPreference& codec) {
  for (const auto payloadType : offer.payloadTypes()) {
    const auto* map = offer.rtpMapOf(payloadType);
    if (map != nullptr && codec.matches(*map, offer.fmtpOf(payloadType))) {
      return payloadType;
    }
  }
  return std::nullopt;
}

// RFC 4588 §8.1: an offered "rtx" payload type whose apt names the codec's.
std::optional<std::uint8_t> rtxFor(const MediaDescription& offer, std::uint8_t payloadType,
                                   std::uint32_t clockRate) {
  const std::string apt = std::to_string(payloadType);
  for (const auto candidate : offer.payloadTypes()) {
    const auto* map = offer.rtpMapOf(candidate);
    const auto* fmtp = offer.fmtpOf(candidate);
    if (map == nullptr || fmtp == nullptr || map->clockRate != clockRate) {
      continue;
    }
    const bool isRtx = map->encodingName.size() == 3 &&
                       std::equal(map->encodingName.begin(), map->encodingName.end(), "rtx",
                                  [](char a, char b) { return (a | 0x20) == b; });
    const auto found = fmtp->parameters.find("apt");
    if (isRtx && found != fmtp->parameters.end() && found->second == apt) {
      return candidate;
    }
  }
  return std::nullopt;
}

// RFC 8285 §7: the answer's direction of an extension mirrors the offer's.
std::optional<SdpDirection> reversed(std::optional<SdpDirection> offered) {
  if (offered == SdpDirection::kSendOnly) {
    return SdpDirection::kRecvOnly;
  }
  if (offered == SdpDirection::kRecvOnly) {
    return SdpDirection::kSendOnly;
  }
  return offered;
}

bool sameFeedback(const RtcpFeedback& a, const RtcpFeedback& b) {
  return a.type == b.type && a.parameter == b.parameter;
}

}  // namespace

MediaCapabilities MediaCapabilities::defaults() {
  MediaCapabilities capabilities;
  capabilities.audioCodecs = {CodecPreference::opus()};
  capabilities.videoCodecs = {CodecPreference::vp8(), CodecPreference::vp9("0"),
                              CodecPreference::h264(H264Profile::kConstrainedBaseline),
                              CodecPreference::h264(H264Profile::kMain), CodecPreference::av1()};
  capabilities.feedback = {{std::nullopt, "nack", std::nullopt},
                           {std::nullopt, "nack", "pli"},
                           {std::nullopt, "ccm", "fir"},
                           {std::nullopt, "goog-remb", std::nullopt},
                           {std::nullopt, "transport-cc", std::nullopt}};
  for (const auto uri :
       {rtp_extension::kMid, rtp_extension::kRid, rtp_extension::kRepairedRid,
        rtp_extension::kAbsSendTime, rtp_extension::kTransportWideCc, rtp_extension::kAudioLevel,
        rtp_extension::kVideoOrientation, rtp_extension::kPlayoutDelay}) {
    capabilities.headerExtensions.emplace_back(uri);
  }
  return capabilities;
}

const std::vector<CodecPreference>& MediaCapabilities::codecsFor(
    const MediaDescription& offer) const {
  static const std::vector<CodecPreference> kNone;
  if (offer.media == "audio") {
    return audioCodecs;
  }
  if (offer.media == "video") {
    return videoCodecs;
  }
  return kNone;
}

std::vector<std::uint8_t> NegotiatedMedia::payloadTypes() const {
  std::vector<std::uint8_t> types;
  for (const auto& codec : codecs) {
    types.push_back(codec.rtpMap.payloadType);
    if (codec.rtxPayloadType) {
      types.push_back(*codec.rtxPayloadType);
    }
  }
  return types;
}

NegotiatedMedia negotiateMedia(const MediaDescription& offer,
                               const MediaCapabilities& capabilities) {
  NegotiatedMedia negotiated;
  if (!offer.isRtp()) {
    return negotiated;
  }
  for (const auto& codec : capabilities.codecsFor(offer)) {
    const auto payloadType = firstMatch(offer, codec);
    const bool taken =
        payloadType && std::any_of(negotiated.codecs.begin(), negotiated.codecs.end(),
                                   [&](const NegotiatedCodec& chosen) {
                                     return chosen.rtpMap.payloadType == *payloadType;
                                   });
    if (!payloadType || taken) {
      continue;
    }
    NegotiatedCodec chosen;
    chosen.rtpMap = *offer.rtpMapOf(*payloadType);
    chosen.fmtp = codec.answerFmtp(offer.fmtpOf(*payloadType));
    for (auto feedback : offer.rtcpFeedbackOf(*payloadType)) {
      const bool understood =
          std::any_of(capabilities.feedback.begin(), capabilities.feedback.end(),
                      [&](const RtcpFeedback& known) { return sameFeedback(known, feedback); });
      const bool repeated =
          std::any_of(chosen.feedback.begin(), chosen.feedback.end(),
                      [&](const RtcpFeedback& kept) { return sameFeedback(kept, feedback); });
      if (understood && !repeated) {
        feedback.payloadType = *payloadType;
        chosen.feedback.push_back(std::move(feedback));
      }
    }
    if (codec.rtx) {
      chosen.rtxPayloadType = rtxFor(offer, *payloadType, chosen.rtpMap.clockRate);
    }
    negotiated.codecs.push_back(std::move(chosen));
  }
  for (const auto& extmap : offer.extmaps) {
    const bool supported =
        std::find(capabilities.headerExtensions.begin(), capabilities.headerExtensions.end(),
                  extmap.uri) != capabilities.headerExtensions.end();
    if (supported) {
      negotiated.extensions.push_back(
          {extmap.id, reversed(extmap.direction), extmap.uri, std::nullopt});
    }
  }
  return negotiated;
}

std::optional<std::size_t> chooseRoomCodec(std::span<const CodecPreference> configured,
                                           std::span<const MediaDescription> participants) {
  for (std::size_t i = 0; i < configured.size(); ++i) {
    const bool everyone =
        std::all_of(participants.begin(), participants.end(), [&](const MediaDescription& offer) {
          return firstMatch(offer, configured[i]).has_value();
        });
    if (everyone) {
      return i;
    }
  }
  return std::nullopt;
}

}  // namespace chorus::signaling
