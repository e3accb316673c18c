#include "signaling/room/PublishAnswer.h"

#include <algorithm>

namespace chorus::signaling {

namespace {

bool sends(const MediaDescription& section) {
  const auto direction = section.direction.value_or(SdpDirection::kSendRecv);
  return direction == SdpDirection::kSendOnly || direction == SdpDirection::kSendRecv;
}

bool isMedia(const MediaDescription& section) {
  return section.isRtp() && (section.media == "audio" || section.media == "video");
}

// RFC 8843 §7.2.1: an answerer rejects a m-section with port 0 and keeps one format. It still
// has a c= line: the answer has none at session level, and RFC 8866 §5.7 wants one in every
// media description then (Firefox refuses the answer without it).
MediaDescription rejected(const MediaDescription& offered) {
  MediaDescription section;
  section.media = offered.media;
  section.port = 0;
  section.fields = {{'c', "IN IP4 0.0.0.0"}};
  section.protocol = offered.protocol;
  section.formats = {offered.formats.empty() ? std::string("0") : offered.formats.front()};
  section.mid = offered.mid;
  section.direction = SdpDirection::kInactive;
  return section;
}

// RFC 4588 §8.1: the RTX payload type's rtpmap and its fmtp apt.
void addCodec(MediaDescription& section, const NegotiatedCodec& codec) {
  section.rtpMaps.push_back(codec.rtpMap);
  if (!codec.fmtp.empty()) {
    section.fmtps.push_back({codec.rtpMap.payloadType, codec.fmtp});
  }
  section.rtcpFeedback.insert(section.rtcpFeedback.end(), codec.feedback.begin(),
                              codec.feedback.end());
  if (codec.rtxPayloadType) {
    section.rtpMaps.push_back({*codec.rtxPayloadType, "rtx", codec.rtpMap.clockRate, {}});
    section.fmtps.push_back(
        {*codec.rtxPayloadType, {{"apt", std::to_string(codec.rtpMap.payloadType)}}});
  }
}

// The fingerprint to verify: the strongest hash offered (RFC 8122 §5 lets a peer list several).
std::optional<media::DtlsFingerprint> strongest(
    const std::vector<media::DtlsFingerprint>& fingerprints) {
  const auto best = std::max_element(
      fingerprints.begin(), fingerprints.end(),
      [](const auto& a, const auto& b) { return a.digest().size() < b.digest().size(); });
  if (best == fingerprints.end()) {
    return std::nullopt;
  }
  return *best;
}

}  // namespace

std::pair<std::uint32_t, std::uint32_t> PublishedSection::ssrcs() const {
  for (const auto& group : offer.ssrcGroups) {
    if (group.semantics == "FID" && group.ssrcs.size() == 2) {
      return {group.ssrcs[0], group.ssrcs[1]};
    }
  }
  return {offer.ssrcs.empty() ? 0 : offer.ssrcs.front().ssrc, 0};
}

media::RtpExtensionIds PublishedSection::extensionIds() const {
  media::RtpExtensionIds ids;
  for (const auto& extmap : offer.extmaps) {
    assignExtensionId(ids, extmap.uri, extmap.id);
  }
  return ids;
}

void assignExtensionId(media::RtpExtensionIds& ids, std::string_view uri, std::uint8_t id) {
  if (uri == rtp_extension::kMid) {
    ids.mid = id;
  } else if (uri == rtp_extension::kAbsSendTime) {
    ids.absSendTime = id;
  } else if (uri == rtp_extension::kTransportWideCc) {
    ids.transportCc = id;
  } else if (uri == rtp_extension::kAudioLevel) {
    ids.audioLevel = id;
  } else if (uri == rtp_extension::kVideoOrientation) {
    ids.videoOrientation = id;
  } else if (uri == rtp_extension::kPlayoutDelay) {
    ids.playoutDelay = id;
  }
}

std::string_view describe(OfferProblem problem) noexcept {
  switch (problem) {
    case OfferProblem::kNone:
      return "usable";
    case OfferProblem::kNoBundle:
      return "no a=group:BUNDLE";
    case OfferProblem::kNoRtcpMux:
      return "a bundled m-section without a=rtcp-mux";
    case OfferProblem::kNoIceCredentials:
      return "no a=ice-ufrag or a=ice-pwd";
    case OfferProblem::kNoFingerprint:
      return "no a=fingerprint";
    case OfferProblem::kBadSetup:
      return "an a=setup role Chorus cannot take";
  }
  return "unusable";
}

RemoteTransportCheck readRemoteTransport(const SessionDescription& description, bool offer) {
  const SdpGroup* bundle = description.bundleGroup();
  if (bundle == nullptr || bundle->mids.empty()) {
    return {std::nullopt, OfferProblem::kNoBundle};
  }
  for (const auto& mid : bundle->mids) {
    const auto* section = description.mediaWithMid(mid);
    if (section != nullptr && section->isRtp() && !section->rtcpMux) {
      return {std::nullopt, OfferProblem::kNoRtcpMux};
    }
  }
  const auto* tagged = description.mediaWithMid(bundle->mids.front());
  const TransportAttributes none;
  const TransportAttributes& media = tagged != nullptr ? tagged->transport : none;
  const TransportAttributes& session = description.transport;
  const auto& ufrag = media.iceUfrag ? media.iceUfrag : session.iceUfrag;
  const auto& pwd = media.icePwd ? media.icePwd : session.icePwd;
  if (!ufrag || !pwd) {
    return {std::nullopt, OfferProblem::kNoIceCredentials};
  }
  const auto fingerprint =
      strongest(media.fingerprints.empty() ? session.fingerprints : media.fingerprints);
  if (!fingerprint) {
    return {std::nullopt, OfferProblem::kNoFingerprint};
  }
  // RFC 8842 §5.1: an offer says actpass (we choose) or active/passive; an answer to our
  // actpass says active or passive.
  const auto setup = media.setup ? media.setup : session.setup;
  media::DtlsRole role = media::DtlsRole::kServer;
  if (setup == SdpSetup::kPassive) {
    role = media::DtlsRole::kClient;
  } else if (setup == SdpSetup::kHoldConn || (!offer && setup != SdpSetup::kActive)) {
    return {std::nullopt, OfferProblem::kBadSetup};
  }
  return {RemoteTransport{*ufrag, *fingerprint, role}, OfferProblem::kNone};
}

void describeLocalTransport(MediaDescription& section, const LocalTransport& local,
                            const media::DtlsFingerprint& fingerprint, SdpSetup setup) {
  section.fields = {{'c', "IN IP4 0.0.0.0"}};
  section.transport.iceUfrag = local.ice.ufrag;
  section.transport.icePwd = local.ice.pwd;
  section.transport.fingerprints = {fingerprint};
  section.transport.setup = setup;
  section.candidates.clear();
  for (const auto& candidate : local.candidates) {
    // IceCandidate::toSdp() writes "candidate:..."; the attribute value is what follows.
    const std::string line = candidate.toSdp();
    section.candidates.push_back(line.substr(line.find(':') + 1));
  }
  section.endOfCandidates = true;
  section.rtcpMux = true;
}

void capVideoBitrate(SessionDescription& answer, std::uint32_t kbps) {
  for (auto& section : answer.media) {
    if (section.media != "video" || section.isRejected()) {
      continue;
    }
    std::erase_if(section.fields, [](const SdpLine& line) { return line.type == 'b'; });
    if (kbps == 0) {
      continue;
    }
    // RFC 8866 §5: b= follows c= in a media description.
    section.fields.push_back({'b', "AS:" + std::to_string(kbps)});
    section.fields.push_back({'b', "TIAS:" + std::to_string(std::uint64_t{kbps} * 1000)});
  }
}

SessionDescription chorusSession(std::string_view sessionId, std::uint64_t version) {
  SessionDescription session;
  session.origin = {"chorus", std::string(sessionId), std::to_string(version), "IN", "IP4",
                    "0.0.0.0"};
  session.sessionName = "-";
  session.fields = {{'t', "0 0"}};
  session.iceLite = true;
  return session;
}

PublishAnswer answerPublish(const SessionDescription& offer, const MediaCapabilities& capabilities,
                            const LocalTransport& local, const media::DtlsFingerprint& fingerprint,
                            media::DtlsRole localRole) {
  PublishAnswer result;
  result.answer = chorusSession(std::to_string(local.id), 1);
  result.answer.extmapAllowMixed = offer.extmapAllowMixed;
  SdpGroup bundle{"BUNDLE", {}};
  const SdpGroup* offeredBundle = offer.bundleGroup();
  const SdpSetup setup =
      localRole == media::DtlsRole::kServer ? SdpSetup::kPassive : SdpSetup::kActive;
  for (const auto& offered : offer.media) {
    const bool bundled = offered.mid && offeredBundle != nullptr &&
                         std::find(offeredBundle->mids.begin(), offeredBundle->mids.end(),
                                   *offered.mid) != offeredBundle->mids.end();
    if (!bundled || !isMedia(offered) || !sends(offered) || offered.isRejected()) {
      result.answer.media.push_back(rejected(offered));
      continue;
    }
    const NegotiatedMedia negotiated = negotiateMedia(offered, capabilities);
    if (negotiated.codecs.empty()) {
      result.unsupportedMid = *offered.mid;
      return result;
    }
    MediaDescription section;
    section.media = offered.media;
    section.port = 9;  // RFC 8840 §4.1.1: the dummy port of a trickle-free ICE m-section
    section.protocol = offered.protocol;
    for (const auto payloadType : negotiated.payloadTypes()) {
      section.formats.push_back(std::to_string(payloadType));
    }
    section.mid = offered.mid;
    section.direction = SdpDirection::kRecvOnly;
    section.rtcpRsize = offered.rtcpRsize;
    section.extmaps = negotiated.extensions;
    for (const auto& codec : negotiated.codecs) {
      addCodec(section, codec);
    }
    // RFC 8853 §5.3: an answerer that receives simulcast says so with the reversed direction.
    if (offered.simulcast && !offered.simulcast->send.empty()) {
      section.simulcast = Simulcast{{}, offered.simulcast->send};
      for (auto rid : offered.rids) {
        rid.direction = Rid::Direction::kRecv;
        rid.restrictions.clear();
        section.rids.push_back(std::move(rid));
      }
    }
    describeLocalTransport(section, local, fingerprint, setup);
    bundle.mids.push_back(*offered.mid);
    result.sections.push_back(
        {*offered.mid, offered.media, offered, negotiated.codecs.front().rtpMap});
    result.answer.media.push_back(std::move(section));
  }
  if (!bundle.mids.empty()) {
    result.answer.groups.push_back(std::move(bundle));
  }
  return result;
}

}  // namespace chorus::signaling
