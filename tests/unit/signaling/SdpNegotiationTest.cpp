#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "signaling/sdp/MediaNegotiation.h"
#include "tests/unit/signaling/SdpTestFiles.h"

namespace chorus::signaling {
namespace {

const auto kDefaults = MediaCapabilities::defaults();

MediaCapabilities videoOnly(std::vector<CodecPreference> codecs) {
  auto capabilities = MediaCapabilities::defaults();
  capabilities.videoCodecs = std::move(codecs);
  return capabilities;
}

std::vector<std::uint16_t> idsOf(const NegotiatedMedia& media) {
  std::vector<std::uint16_t> ids;
  for (const auto& extension : media.extensions) {
    ids.push_back(extension.id);
  }
  return ids;
}

TEST(SdpNegotiationTest, ChromiumAudioGivesOpusWithServerFmtp) {
  const auto offer = parseSdpFile("chromium-156-audio-video-offer.sdp");
  const auto audio = negotiateMedia(offer.media.at(0), kDefaults);
  ASSERT_EQ(audio.codecs.size(), 1U);
  const auto& opus = audio.codecs[0];
  EXPECT_EQ(opus.rtpMap, (RtpMap{111, "opus", 48000, 2}));
  EXPECT_EQ(opus.fmtp,
            (std::map<std::string, std::string>{
                {"minptime", "10"}, {"stereo", "1"}, {"usedtx", "1"}, {"useinbandfec", "1"}}));
  EXPECT_EQ(opus.feedback, (std::vector<RtcpFeedback>{{111, "transport-cc", std::nullopt}}));
  EXPECT_FALSE(opus.rtxPayloadType);
  EXPECT_EQ(audio.payloadTypes(), (std::vector<std::uint8_t>{111}));
  // ssrc-audio-level 1, abs-send-time 2, transport-cc 3, mid 4: all four are supported.
  EXPECT_EQ(idsOf(audio), (std::vector<std::uint16_t>{1, 2, 3, 4}));
}

TEST(SdpNegotiationTest, ChromiumVideoGivesEveryConfiguredCodecWithRtx) {
  const auto offer = parseSdpFile("chromium-156-audio-video-offer.sdp");
  const auto video = negotiateMedia(offer.media.at(1), kDefaults);
  // VP8 96/97, VP9 profile 0 98/99, H264 CB with packetization-mode 1 108/109 (42001f is
  // Baseline, not Constrained Baseline), H264 Main 116/117, AV1 45/46.
  EXPECT_EQ(video.payloadTypes(),
            (std::vector<std::uint8_t>{96, 97, 98, 99, 108, 109, 116, 117, 45, 46}));
  const auto& vp8 = video.codecs.at(0);
  EXPECT_EQ(vp8.rtpMap.encodingName, "VP8");
  EXPECT_TRUE(vp8.fmtp.empty());
  EXPECT_EQ(vp8.feedback, (std::vector<RtcpFeedback>{{96, "goog-remb", std::nullopt},
                                                     {96, "transport-cc", std::nullopt},
                                                     {96, "ccm", "fir"},
                                                     {96, "nack", std::nullopt},
                                                     {96, "nack", "pli"}}));
  EXPECT_EQ(video.codecs.at(1).fmtp, (std::map<std::string, std::string>{{"profile-id", "0"}}));
  EXPECT_EQ(video.codecs.at(2).fmtp,
            (std::map<std::string, std::string>{{"level-asymmetry-allowed", "1"},
                                                {"packetization-mode", "1"},
                                                {"profile-level-id", "42e01f"}}));
  EXPECT_EQ(video.codecs.at(3).fmtp.at("profile-level-id"), "4d001f");
  EXPECT_EQ(video.codecs.at(4).fmtp, (std::map<std::string, std::string>{
                                         {"level-idx", "5"}, {"profile", "0"}, {"tier", "0"}}));
  // Chromium's video extensions: toffset 14, video-content-type 6, video-timing 7, color-space
  // 8, dependency descriptor 12 and video-layers-allocation 9 are not read by Chorus.
  EXPECT_EQ(idsOf(video), (std::vector<std::uint16_t>{2, 13, 3, 5, 4, 10, 11}));
}

TEST(SdpNegotiationTest, ServerOrderDecidesAndRtxCanBeOff) {
  const auto offer = parseSdpFile("chromium-156-audio-video-offer.sdp");
  auto h264 = CodecPreference::h264(H264Profile::kMain);
  h264.rtx = false;
  const auto video = negotiateMedia(offer.media.at(1), videoOnly({h264, CodecPreference::vp8()}));
  EXPECT_EQ(video.payloadTypes(), (std::vector<std::uint8_t>{116, 96, 97}));
}

TEST(SdpNegotiationTest, FirefoxHasNoH264AndMirrorsExtensionDirections) {
  const auto offer = parseSdpFile("firefox-153-simulcast-offer.sdp");
  const auto video = negotiateMedia(offer.media.at(1), kDefaults);
  EXPECT_EQ(video.payloadTypes(), (std::vector<std::uint8_t>{120, 124, 121, 125, 99, 100}));
  const auto playoutDelay =
      std::find_if(video.extensions.begin(), video.extensions.end(),
                   [](const ExtMap& e) { return e.uri == rtp_extension::kPlayoutDelay; });
  ASSERT_NE(playoutDelay, video.extensions.end());
  EXPECT_EQ(playoutDelay->id, 6);
  EXPECT_EQ(playoutDelay->direction, SdpDirection::kSendOnly);  // offered recvonly
  const auto rid = std::find_if(video.extensions.begin(), video.extensions.end(),
                                [](const ExtMap& e) { return e.uri == rtp_extension::kRid; });
  ASSERT_NE(rid, video.extensions.end());
  EXPECT_EQ(rid->direction, SdpDirection::kRecvOnly);  // offered sendonly
  const auto audio = negotiateMedia(offer.media.at(0), kDefaults);
  ASSERT_EQ(audio.codecs.size(), 1U);
  EXPECT_EQ(audio.codecs[0].rtpMap.payloadType, 109);
  EXPECT_EQ(audio.codecs[0].fmtp.count("minptime"), 0U);
}

TEST(SdpNegotiationTest, NothingInCommonAndNonRtpGiveNothing) {
  const auto offer = parseSdpFile("chromium-156-datachannel-offer.sdp");
  EXPECT_TRUE(negotiateMedia(offer.media.at(2), kDefaults).codecs.empty());
  const auto none =
      negotiateMedia(offer.media.at(1), videoOnly({CodecPreference::h264(H264Profile::kHigh)}));
  EXPECT_TRUE(none.codecs.empty());
}

TEST(SdpNegotiationTest, MatchingRulesForParametersAndDefaults) {
  const RtpMap h264{100, "h264", 90000, std::nullopt};
  const auto cb = CodecPreference::h264(H264Profile::kConstrainedBaseline);
  const Fmtp mode1{100, {{"packetization-mode", "1"}, {"profile-level-id", "42e01f"}}};
  const Fmtp mode0{100, {{"profile-level-id", "42e01f"}}};
  const Fmtp noProfile{100, {{"packetization-mode", "1"}}};
  EXPECT_TRUE(cb.matches(h264, &mode1));       // encoding names are case-insensitive
  EXPECT_FALSE(cb.matches(h264, &mode0));      // packetization-mode defaults to 0
  EXPECT_FALSE(cb.matches(h264, &noProfile));  // profile-level-id defaults to Baseline 42000a
  EXPECT_FALSE(cb.matches(h264, nullptr));
  const RtpMap vp9{98, "VP9", 90000, std::nullopt};
  const Fmtp profile2{98, {{"profile-id", "2"}}};
  EXPECT_TRUE(CodecPreference::vp9("0").matches(vp9, nullptr));  // profile-id defaults to 0
  EXPECT_FALSE(CodecPreference::vp9("0").matches(vp9, &profile2));
  EXPECT_TRUE(CodecPreference::vp9("2").matches(vp9, &profile2));
  EXPECT_FALSE(CodecPreference::opus().matches(RtpMap{111, "opus", 48000, std::nullopt}, nullptr));
  EXPECT_FALSE(CodecPreference::vp8().matches(RtpMap{96, "VP8", 8000, std::nullopt}, nullptr));
}

// The model builds answers too: an ICE-lite answer to Chromium's offer from the negotiated
// media, written and parsed back.
TEST(SdpNegotiationTest, AnswerBuiltFromNegotiationWritesAndParsesBack) {
  const auto offer = parseSdpFile("chromium-156-audio-video-offer.sdp");
  SessionDescription answer;
  answer.origin = {"chorus", "1", "1", "IN", "IP4", "0.0.0.0"};
  answer.fields.push_back({'t', "0 0"});
  answer.iceLite = true;
  answer.groups.push_back(*offer.bundleGroup());
  for (const auto& offered : offer.media) {
    const auto negotiated = negotiateMedia(offered, kDefaults);
    MediaDescription section;
    section.media = offered.media;
    section.port = 9;
    section.protocol = offered.protocol;
    for (const auto payloadType : negotiated.payloadTypes()) {
      section.formats.push_back(std::to_string(payloadType));
    }
    section.fields.push_back({'c', "IN IP4 0.0.0.0"});
    section.mid = offered.mid;
    section.direction = SdpDirection::kRecvOnly;
    section.rtcpMux = true;
    section.transport.iceUfrag = "Chor";
    section.transport.icePwd = "abcdefghijklmnopqrstuvwx";
    section.transport.fingerprints = offered.transport.fingerprints;
    section.transport.setup = SdpSetup::kPassive;
    for (const auto& codec : negotiated.codecs) {
      section.rtpMaps.push_back(codec.rtpMap);
      section.fmtps.push_back({codec.rtpMap.payloadType, codec.fmtp});
      section.rtcpFeedback.insert(section.rtcpFeedback.end(), codec.feedback.begin(),
                                  codec.feedback.end());
      if (codec.rtxPayloadType) {
        section.rtpMaps.push_back({*codec.rtxPayloadType, "rtx", 90000, std::nullopt});
        section.fmtps.push_back(
            {*codec.rtxPayloadType, {{"apt", std::to_string(codec.rtpMap.payloadType)}}});
      }
    }
    section.extmaps = negotiated.extensions;
    answer.media.push_back(std::move(section));
  }
  const auto text = answer.toSdp();
  EXPECT_NE(text.find("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"), std::string::npos);
  EXPECT_NE(text.find("m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 108 109 116 117 45 46\r\n"),
            std::string::npos);
  EXPECT_NE(text.find("a=fmtp:111 minptime=10;stereo=1;usedtx=1;useinbandfec=1\r\n"),
            std::string::npos);
  const auto parsed = SessionDescription::parse(text);
  ASSERT_TRUE(parsed.description) << text;
  EXPECT_EQ(*parsed.description, answer);
}

TEST(SdpNegotiationTest, RoomCodecIsTheFirstConfiguredThatEveryoneSupports) {
  const auto chromium = parseSdpFile("chromium-156-audio-video-offer.sdp").media.at(1);
  const auto firefox = parseSdpFile("firefox-153-audio-video-offer.sdp").media.at(1);
  const std::vector<CodecPreference> h264First{
      CodecPreference::h264(H264Profile::kConstrainedBaseline), CodecPreference::vp9("0"),
      CodecPreference::vp8()};
  const std::vector<MediaDescription> chromiumOnly{chromium};
  EXPECT_EQ(chooseRoomCodec(h264First, chromiumOnly), 0U);
  // Debian's Firefox has no H.264: the room falls back to the next codec both have.
  const std::vector<MediaDescription> both{chromium, firefox};
  EXPECT_EQ(chooseRoomCodec(h264First, both), 1U);
  EXPECT_EQ(chooseRoomCodec(kDefaults.videoCodecs, both), 0U);  // VP8
  const std::vector<CodecPreference> h264Only{CodecPreference::h264(H264Profile::kMain)};
  EXPECT_FALSE(chooseRoomCodec(h264Only, both));
}

}  // namespace
}  // namespace chorus::signaling
