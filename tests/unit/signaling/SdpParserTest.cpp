#include <string>

#include <gtest/gtest.h>

#include "signaling/sdp/SessionDescription.h"
#include "tests/unit/signaling/SdpTestFiles.h"

namespace chorus::signaling {
namespace {

const MediaDescription& mediaOf(const SessionDescription& session, std::size_t index) {
  EXPECT_LT(index, session.media.size());
  return session.media.at(index);
}

TEST(SdpParserTest, EveryCaptureParses) {
  const auto names = sdpCaptureNames();
  ASSERT_GE(names.size(), 11U);
  for (const auto& name : names) {
    const auto result = SessionDescription::parse(readSdpFile(name));
    EXPECT_TRUE(result.description)
        << name << ": " << toString(result.error.reason) << " at line " << result.error.line;
  }
}

TEST(SdpParserTest, ChromiumOfferSessionLevel) {
  const auto offer = parseSdpFile("chromium-156-audio-video-offer.sdp");
  EXPECT_EQ(offer.origin.username, "-");
  EXPECT_EQ(offer.origin.sessionVersion, "2");
  EXPECT_EQ(offer.origin.address, "127.0.0.1");
  EXPECT_EQ(offer.sessionName, "-");
  ASSERT_NE(offer.bundleGroup(), nullptr);
  EXPECT_EQ(offer.bundleGroup()->mids, (std::vector<std::string>{"0", "1"}));
  EXPECT_TRUE(offer.extmapAllowMixed);
  EXPECT_EQ(offer.msidSemantic, " WMS");
  EXPECT_FALSE(offer.iceLite);
  ASSERT_EQ(offer.fields.size(), 1U);
  EXPECT_EQ(offer.fields[0], (SdpLine{'t', "0 0"}));
  ASSERT_EQ(offer.media.size(), 2U);
}

TEST(SdpParserTest, ChromiumOfferAudioSection) {
  const auto offer = parseSdpFile("chromium-156-audio-video-offer.sdp");
  const auto& audio = mediaOf(offer, 0);
  EXPECT_EQ(audio.media, "audio");
  EXPECT_EQ(audio.protocol, "UDP/TLS/RTP/SAVPF");
  EXPECT_EQ(audio.payloadTypes(), (std::vector<std::uint8_t>{111, 63, 9, 0, 8, 13, 110, 126}));
  EXPECT_EQ(audio.mid, "0");
  EXPECT_EQ(audio.direction, SdpDirection::kSendRecv);
  EXPECT_TRUE(audio.rtcpMux);
  EXPECT_TRUE(audio.rtcpRsize);
  EXPECT_EQ(audio.transport.iceUfrag, "pNQ7");
  EXPECT_EQ(audio.transport.icePwd, "V/l7MYSMEIsd1Olr2uefaKlJ");
  EXPECT_EQ(audio.transport.iceOptions, (std::vector<std::string>{"trickle"}));
  EXPECT_EQ(audio.transport.setup, SdpSetup::kActPass);
  ASSERT_EQ(audio.transport.fingerprints.size(), 1U);
  EXPECT_EQ(audio.transport.fingerprints[0].toSdp(),
            "sha-256 AA:1E:5B:59:07:92:32:22:8F:EA:A8:1A:4E:9D:B2:0F:"
            "D2:93:9B:F3:B2:36:5B:E8:8F:FD:0D:1F:51:8F:59:CD");
  EXPECT_EQ(audio.candidates.size(), 4U);
  EXPECT_FALSE(audio.endOfCandidates);

  const auto* opus = audio.rtpMapOf(111);
  ASSERT_NE(opus, nullptr);
  EXPECT_EQ(*opus, (RtpMap{111, "opus", 48000, 2}));
  ASSERT_NE(audio.fmtpOf(111), nullptr);
  EXPECT_EQ(audio.fmtpOf(111)->parameters,
            (std::map<std::string, std::string>{{"minptime", "10"}, {"useinbandfec", "1"}}));
  EXPECT_EQ(audio.rtcpFeedbackOf(111),
            (std::vector<RtcpFeedback>{{111, "transport-cc", std::nullopt}}));
  // RED's fmtp is a bare value, kept as a key without a value.
  EXPECT_EQ(audio.fmtpOf(63)->parameters, (std::map<std::string, std::string>{{"111/111", ""}}));
  EXPECT_EQ(*audio.rtpMapOf(0), (RtpMap{0, "PCMU", 8000, std::nullopt}));

  ASSERT_EQ(audio.extmaps.size(), 4U);
  EXPECT_EQ(audio.extmaps[0],
            (ExtMap{1, std::nullopt, "urn:ietf:params:rtp-hdrext:ssrc-audio-level", std::nullopt}));
  EXPECT_EQ(audio.extmaps[3].id, 4);
  EXPECT_EQ(audio.extmaps[3].uri, "urn:ietf:params:rtp-hdrext:sdes:mid");
  ASSERT_EQ(audio.msids.size(), 1U);
  EXPECT_EQ(audio.msids[0].streamId, "-");
  ASSERT_EQ(audio.ssrcs.size(), 2U);
  EXPECT_EQ(audio.ssrcs[0].attribute, "cname");
  EXPECT_EQ(audio.ssrcs[1].attribute, "msid");
  // a=rtcp and a=rtcp-xr are not interpreted, and kept.
  EXPECT_EQ(audio.otherAttributes[0], (SdpAttribute{"rtcp", "9 IN IP4 0.0.0.0"}));
  EXPECT_EQ(audio.otherAttributes[1], (SdpAttribute{"rtcp-xr", "rcvr-rtt=all"}));
}

TEST(SdpParserTest, ChromiumOfferVideoSection) {
  const auto offer = parseSdpFile("chromium-156-audio-video-offer.sdp");
  const auto& video = mediaOf(offer, 1);
  EXPECT_EQ(video.media, "video");
  EXPECT_EQ(video.mid, "1");
  EXPECT_EQ(*video.rtpMapOf(96), (RtpMap{96, "VP8", 90000, std::nullopt}));
  EXPECT_EQ(*video.rtpMapOf(97), (RtpMap{97, "rtx", 90000, std::nullopt}));
  EXPECT_EQ(video.fmtpOf(97)->parameters.at("apt"), "96");
  const auto feedback = video.rtcpFeedbackOf(96);
  ASSERT_EQ(feedback.size(), 5U);
  EXPECT_EQ(feedback[2], (RtcpFeedback{96, "ccm", "fir"}));
  EXPECT_EQ(feedback[4], (RtcpFeedback{96, "nack", "pli"}));
  EXPECT_EQ(video.fmtpOf(102)->parameters.at("profile-level-id"), "42001f");
  EXPECT_EQ(video.fmtpOf(98)->parameters.at("profile-id"), "0");
  ASSERT_EQ(video.ssrcGroups.size(), 1U);
  EXPECT_EQ(video.ssrcGroups[0].semantics, "FID");
  EXPECT_EQ(video.ssrcGroups[0].ssrcs.size(), 2U);
  const auto transportCc = std::find_if(video.extmaps.begin(), video.extmaps.end(),
                                        [](const ExtMap& e) { return e.id == 3; });
  ASSERT_NE(transportCc, video.extmaps.end());
  EXPECT_EQ(transportCc->uri,
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01");
}

TEST(SdpParserTest, ChromiumSimulcastOffer) {
  const auto offer = parseSdpFile("chromium-156-simulcast-offer.sdp");
  const auto& video = mediaOf(offer, 1);
  EXPECT_EQ(video.direction, SdpDirection::kSendOnly);
  ASSERT_EQ(video.rids.size(), 3U);
  EXPECT_EQ(video.rids[0], (Rid{"q", Rid::Direction::kSend, {}}));
  EXPECT_EQ(video.rids[2].id, "f");
  ASSERT_TRUE(video.simulcast);
  EXPECT_EQ(video.simulcast->send,
            (SimulcastStreams{{{"q", false}}, {{"h", false}}, {{"f", false}}}));
  EXPECT_TRUE(video.simulcast->recv.empty());
  // Chromium announces no SSRCs for a simulcast sender: rids identify the streams.
  EXPECT_TRUE(video.ssrcGroups.empty());
}

TEST(SdpParserTest, ChromiumDataChannelOffer) {
  const auto offer = parseSdpFile("chromium-156-datachannel-offer.sdp");
  ASSERT_EQ(offer.media.size(), 3U);
  const auto& data = mediaOf(offer, 2);
  EXPECT_EQ(data.media, "application");
  EXPECT_EQ(data.protocol, "UDP/DTLS/SCTP");
  EXPECT_FALSE(data.isRtp());
  EXPECT_EQ(data.formats, (std::vector<std::string>{"webrtc-datachannel"}));
  EXPECT_EQ(data.sctpPort, 5000);
  EXPECT_EQ(data.maxMessageSize, 262144U);
  EXPECT_EQ(offer.bundleGroup()->mids, (std::vector<std::string>{"0", "1", "2"}));
}

TEST(SdpParserTest, ChromiumAnswerToChorusOffer) {
  const auto answer = parseSdpFile("chromium-156-answer.sdp");
  ASSERT_EQ(answer.media.size(), 2U);
  EXPECT_EQ(answer.media[0].direction, SdpDirection::kRecvOnly);
  EXPECT_EQ(answer.media[0].transport.setup, SdpSetup::kActive);
  EXPECT_EQ(answer.media[1].payloadTypes(), (std::vector<std::uint8_t>{96, 97}));
  const auto offer = parseSdpFile("chorus-handwritten-offer.sdp");
  EXPECT_TRUE(offer.iceLite);
  EXPECT_TRUE(offer.media[1].endOfCandidates);
}

TEST(SdpParserTest, FirefoxOfferHasSessionLevelTransportAndNoH264) {
  const auto offer = parseSdpFile("firefox-153-simulcast-offer.sdp");
  EXPECT_EQ(offer.direction, SdpDirection::kSendRecv);
  ASSERT_EQ(offer.transport.fingerprints.size(), 1U);
  EXPECT_EQ(offer.transport.iceOptions, (std::vector<std::string>{"trickle"}));
  EXPECT_EQ(offer.msidSemantic, "WMS *");
  const auto& audio = mediaOf(offer, 0);
  EXPECT_EQ(*audio.rtpMapOf(109), (RtpMap{109, "opus", 48000, 2}));
  EXPECT_EQ(audio.fmtpOf(101)->parameters, (std::map<std::string, std::string>{{"0-15", ""}}));
  EXPECT_TRUE(audio.endOfCandidates);
  const auto& video = mediaOf(offer, 1);
  EXPECT_EQ(video.extmaps[3],
            (ExtMap{6, SdpDirection::kRecvOnly,
                    "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay", std::nullopt}));
  EXPECT_EQ(video.ssrcGroups.size(), 3U);
  EXPECT_EQ(video.rids.size(), 3U);
  for (const auto& map : video.rtpMaps) {
    EXPECT_NE(map.encodingName, "H264");
  }
}

TEST(SdpParserTest, FirefoxMaxBundleOfferHasBundleOnlySectionsThatAreNotRejected) {
  // RFC 8843 §6: with max-bundle Firefox offers the video m-section with port 0 and
  // a=bundle-only; it is part of the BUNDLE group, not rejected.
  const auto offer = parseSdpFile("firefox-153-max-bundle-offer.sdp");
  const auto& audio = mediaOf(offer, 0);
  const auto& video = mediaOf(offer, 1);
  EXPECT_NE(audio.port, 0U);
  EXPECT_FALSE(audio.bundleOnly);
  EXPECT_FALSE(audio.isRejected());
  EXPECT_EQ(video.port, 0U);
  EXPECT_TRUE(video.bundleOnly);
  EXPECT_FALSE(video.isRejected());
  EXPECT_EQ(video.otherAttributes.size(), 0U);
  ASSERT_NE(offer.bundleGroup(), nullptr);
  EXPECT_EQ(offer.bundleGroup()->mids, (std::vector<std::string>{"0", "1"}));
  // Written back, and without it port 0 rejects the section.
  EXPECT_NE(offer.toSdp().find("a=bundle-only\r\n"), std::string::npos);
  MediaDescription plain = video;
  plain.bundleOnly = false;
  EXPECT_TRUE(plain.isRejected());
}

TEST(SdpParserTest, RoundTripOfEveryCaptureGivesAnEqualModel) {
  for (const auto& name : sdpCaptureNames()) {
    const auto first = parseSdpFile(name);
    const auto text = first.toSdp();
    const auto second = SessionDescription::parse(text);
    ASSERT_TRUE(second.description)
        << name << ": " << toString(second.error.reason) << " at " << second.error.line << "\n"
        << text;
    EXPECT_EQ(*second.description, first) << name;
    EXPECT_EQ(second.description->toSdp(), text) << name;
  }
}

TEST(SdpParserTest, WriterUsesCrlfAndGroupsCodecLines) {
  const auto text = parseSdpFile("chromium-156-answer.sdp").toSdp();
  EXPECT_EQ(text.rfind("v=0\r\no=- ", 0), 0U);
  EXPECT_EQ(text.find("\n\n"), std::string::npos);
  EXPECT_EQ(text.find('\n'), text.find("\r\n") + 1);
  EXPECT_NE(text.find("a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 goog-remb\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"), std::string::npos);
}

// A minimal valid description to damage in the tests below.
std::string minimal() {
  return "v=0\r\n"
         "o=- 1 2 IN IP4 127.0.0.1\r\n"
         "s=-\r\n"
         "t=0 0\r\n"
         "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
         "a=rtpmap:111 opus/48000/2\r\n";
}

SdpError errorOf(const std::string& text, const SdpLimits& limits = {}) {
  const auto result = SessionDescription::parse(text, limits);
  EXPECT_FALSE(result.description) << text;
  return result.error;
}

TEST(SdpParserTest, MinimalParsesWithBareLineFeedsToo) {
  ASSERT_TRUE(SessionDescription::parse(minimal()).description);
  std::string bare = minimal();
  std::erase(bare, '\r');
  ASSERT_TRUE(SessionDescription::parse(bare).description);
  EXPECT_EQ(*SessionDescription::parse(bare).description,
            *SessionDescription::parse(minimal()).description);
}

TEST(SdpParserTest, StructureErrorsCarryReasonAndLine) {
  EXPECT_EQ(errorOf(""), (SdpError{SdpErrorReason::kMissingVersion, 1}));
  EXPECT_EQ(errorOf("o=- 1 2 IN IP4 1.2.3.4\r\n"), (SdpError{SdpErrorReason::kMissingVersion, 1}));
  EXPECT_EQ(errorOf("v=1\r\n"), (SdpError{SdpErrorReason::kBadVersion, 1}));
  EXPECT_EQ(errorOf("v=0\r\ns=-\r\n"), (SdpError{SdpErrorReason::kMissingOrigin, 2}));
  EXPECT_EQ(errorOf("v=0\r\no=- 1 2 IN IP4\r\n"), (SdpError{SdpErrorReason::kBadOrigin, 2}));
  EXPECT_EQ(errorOf("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\nt=0 0\r\n"),
            (SdpError{SdpErrorReason::kMissingSessionName, 3}));
  EXPECT_EQ(errorOf("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\n"),
            (SdpError{SdpErrorReason::kMissingTiming, 4}));
  EXPECT_EQ(errorOf(minimal() + "x=1\r\n"), (SdpError{SdpErrorReason::kUnknownLineType, 7}));
  EXPECT_EQ(errorOf(minimal() + "t=0 0\r\n"), (SdpError{SdpErrorReason::kUnexpectedLine, 7}));
  EXPECT_EQ(errorOf(minimal() + "v=0\r\n"), (SdpError{SdpErrorReason::kUnexpectedLine, 7}));
  EXPECT_EQ(errorOf(minimal() + "\r\na=x\r\n"), (SdpError{SdpErrorReason::kBadLine, 7}));
  EXPECT_EQ(errorOf(minimal() + "a x\r\n"), (SdpError{SdpErrorReason::kBadLine, 7}));
  EXPECT_EQ(errorOf(minimal() + "A=x\r\n"), (SdpError{SdpErrorReason::kUnknownLineType, 7}));
  EXPECT_EQ(errorOf(minimal() + "a=x\ry\r\n"), (SdpError{SdpErrorReason::kBadLine, 7}));
  EXPECT_EQ(errorOf(minimal() + std::string("a=x\0y\r\n", 7)),
            (SdpError{SdpErrorReason::kBadLine, 7}));
}

TEST(SdpParserTest, BadMediaLines) {
  const std::string head = "v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n";
  EXPECT_EQ(errorOf(head + "m=audio 9 RTP/AVP\r\n"), (SdpError{SdpErrorReason::kBadMediaLine, 5}));
  EXPECT_EQ(errorOf(head + "m=audio 70000 RTP/AVP 0\r\n"),
            (SdpError{SdpErrorReason::kBadMediaLine, 5}));
  EXPECT_EQ(errorOf(head + "m=audio 9 RTP/AVP 128\r\n"),
            (SdpError{SdpErrorReason::kBadMediaLine, 5}));
  EXPECT_EQ(errorOf(head + "m=audio 9 RTP/AVP opus\r\n"),
            (SdpError{SdpErrorReason::kBadMediaLine, 5}));
  EXPECT_EQ(errorOf(head + "m=audio  9 RTP/AVP 0\r\n"),
            (SdpError{SdpErrorReason::kBadMediaLine, 5}));
  EXPECT_EQ(errorOf(head + "m=audio 9/x RTP/AVP 0\r\n"),
            (SdpError{SdpErrorReason::kBadMediaLine, 5}));
  // Non-RTP formats are tokens, not payload types.
  EXPECT_TRUE(
      SessionDescription::parse(head + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n")
          .description);
}

TEST(SdpParserTest, BadAttributesCarryTheirReason) {
  const auto bad = [](const std::string& attribute) {
    return errorOf(minimal() + attribute + "\r\n").reason;
  };
  EXPECT_EQ(bad("a=rtpmap:112 opus"), SdpErrorReason::kBadRtpMap);
  EXPECT_EQ(bad("a=rtpmap:112 opus/x"), SdpErrorReason::kBadRtpMap);
  EXPECT_EQ(bad("a=rtpmap:200 opus/48000"), SdpErrorReason::kBadRtpMap);
  EXPECT_EQ(bad("a=rtpmap:112 /48000"), SdpErrorReason::kBadRtpMap);
  EXPECT_EQ(bad("a=rtpmap:112 opus/48000/2/1"), SdpErrorReason::kBadRtpMap);
  EXPECT_EQ(bad("a=rtpmap:111 opus/48000/2"), SdpErrorReason::kDuplicateAttribute);
  EXPECT_EQ(bad("a=fmtp:x apt=1"), SdpErrorReason::kBadFmtp);
  EXPECT_EQ(bad("a=fmtp:96 =1"), SdpErrorReason::kBadFmtp);
  EXPECT_EQ(bad("a=rtcp-fb:96"), SdpErrorReason::kBadRtcpFeedback);
  EXPECT_EQ(bad("a=rtcp-fb:96  nack"), SdpErrorReason::kBadRtcpFeedback);
  EXPECT_EQ(bad("a=extmap:0 urn:x"), SdpErrorReason::kBadExtmap);
  EXPECT_EQ(bad("a=extmap:256 urn:x"), SdpErrorReason::kBadExtmap);
  EXPECT_EQ(bad("a=extmap:1/both urn:x"), SdpErrorReason::kBadExtmap);
  EXPECT_EQ(bad("a=extmap:1"), SdpErrorReason::kBadExtmap);
  EXPECT_EQ(bad("a=fingerprint:sha-256 00:11"), SdpErrorReason::kBadFingerprint);
  EXPECT_EQ(bad("a=setup:sometimes"), SdpErrorReason::kBadSetup);
  EXPECT_EQ(bad("a=mid:"), SdpErrorReason::kBadMid);
  EXPECT_EQ(bad("a=mid:0\r\na=mid:1"), SdpErrorReason::kDuplicateAttribute);
  EXPECT_EQ(bad("a=sendonly\r\na=recvonly"), SdpErrorReason::kDuplicateAttribute);
  EXPECT_EQ(bad("a=rtcp-mux:yes"), SdpErrorReason::kBadAttribute);
  EXPECT_EQ(bad("a=:x"), SdpErrorReason::kBadAttribute);
  EXPECT_EQ(bad("a=ice-ufrag:"), SdpErrorReason::kBadIceAttribute);
  EXPECT_EQ(bad("a=candidate:"), SdpErrorReason::kBadIceAttribute);
  EXPECT_EQ(bad("a=msid: track"), SdpErrorReason::kBadMsid);
  EXPECT_EQ(bad("a=ssrc:x cname:a"), SdpErrorReason::kBadSsrc);
  EXPECT_EQ(bad("a=ssrc:4294967296 cname:a"), SdpErrorReason::kBadSsrc);
  EXPECT_EQ(bad("a=ssrc:1"), SdpErrorReason::kBadSsrc);
  EXPECT_EQ(bad("a=ssrc-group:FID"), SdpErrorReason::kBadSsrcGroup);
  EXPECT_EQ(bad("a=ssrc-group:FID 1 x"), SdpErrorReason::kBadSsrcGroup);
  EXPECT_EQ(bad("a=rid:q sideways"), SdpErrorReason::kBadRid);
  EXPECT_EQ(bad("a=simulcast:send"), SdpErrorReason::kBadSimulcast);
  EXPECT_EQ(bad("a=simulcast:send a;;b"), SdpErrorReason::kBadSimulcast);
  EXPECT_EQ(bad("a=simulcast:send a send b"), SdpErrorReason::kBadSimulcast);
  EXPECT_EQ(bad("a=sctp-port:65536"), SdpErrorReason::kBadSctp);
  EXPECT_EQ(bad("a=max-message-size:-1"), SdpErrorReason::kBadSctp);
  EXPECT_EQ(errorOf(minimal() + "a=rtpmap:112 opus\r\n").line, 7U);
}

TEST(SdpParserTest, UnknownAttributesAreKeptNotRejected) {
  const auto result =
      SessionDescription::parse(minimal() + "a=x-custom:1 2 3\r\na=x-flag\r\na=ice-lite\r\n");
  ASSERT_TRUE(result.description);
  const auto& other = result.description->media[0].otherAttributes;
  ASSERT_EQ(other.size(), 3U);
  EXPECT_EQ(other[0], (SdpAttribute{"x-custom", "1 2 3"}));
  EXPECT_EQ(other[1], (SdpAttribute{"x-flag", std::nullopt}));
  EXPECT_EQ(other[2], (SdpAttribute{"ice-lite", std::nullopt}));  // session-level only
}

TEST(SdpParserTest, SimulcastWithAlternativesPausedAndBothDirections) {
  const auto result = SessionDescription::parse(minimal() + "a=simulcast:recv 1,~2;3 send ~4\r\n");
  ASSERT_TRUE(result.description);
  const auto& simulcast = *result.description->media[0].simulcast;
  EXPECT_EQ(simulcast.recv, (SimulcastStreams{{{"1", false}, {"2", true}}, {{"3", false}}}));
  EXPECT_EQ(simulcast.send, (SimulcastStreams{{{"4", true}}}));
}

TEST(SdpParserTest, LimitsOnSizeLinesAndMediaSections) {
  const std::string offer = readSdpFile("chromium-156-audio-video-offer.sdp");
  EXPECT_EQ(errorOf(offer, SdpLimits{100, 4096, 64}), (SdpError{SdpErrorReason::kTooLarge, 0}));
  EXPECT_EQ(errorOf(offer, SdpLimits{65536, 50, 64}),
            (SdpError{SdpErrorReason::kTooManyLines, 51}));
  EXPECT_EQ(errorOf(offer, SdpLimits{65536, 4096, 1}).reason,
            SdpErrorReason::kTooManyMediaSections);
  std::string huge = minimal();
  while (huge.size() <= std::size_t{64} * 1024) {
    huge += "a=x-filler:0123456789012345678901234567890123456789\r\n";
  }
  EXPECT_EQ(errorOf(huge), (SdpError{SdpErrorReason::kTooLarge, 0}));
  std::string many = minimal();
  for (int i = 0; i < 5000; ++i) {
    many += "a=x\n";
  }
  EXPECT_EQ(errorOf(many), (SdpError{SdpErrorReason::kTooManyLines, 4097}));
}

TEST(SdpParserTest, ErrorReasonsHaveNames) {
  EXPECT_EQ(toString(SdpErrorReason::kBadRtpMap), "bad_rtpmap");
  EXPECT_EQ(toString(SdpErrorReason::kTooManyLines), "too_many_lines");
}

}  // namespace
}  // namespace chorus::signaling
