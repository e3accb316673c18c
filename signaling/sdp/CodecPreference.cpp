#include "signaling/sdp/CodecPreference.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <utility>

namespace chorus::signaling {
namespace {

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string parameterOr(const Fmtp* fmtp, const std::string& key, std::string fallback) {
  if (fmtp == nullptr) {
    return fallback;
  }
  const auto found = fmtp->parameters.find(key);
  return found == fmtp->parameters.end() ? fallback : found->second;
}

// RFC 6184 §8.1: without profile-level-id, Baseline level 1 is meant ("42000a").
constexpr std::string_view kH264DefaultProfileLevelId = "42000a";

}  // namespace

CodecPreference CodecPreference::opus() {
  CodecPreference codec{"opus", 48000, 2, std::nullopt, std::nullopt, {}, false};
  // RFC 7587 §6.1: the receiver asks for in-band FEC and DTX and says it can take stereo.
  codec.answerParameters = {{"useinbandfec", "1"}, {"usedtx", "1"}, {"stereo", "1"}};
  return codec;
}

CodecPreference CodecPreference::vp8() {
  return {"VP8", 90000, std::nullopt, std::nullopt, std::nullopt, {}, true};
}

CodecPreference CodecPreference::vp9(std::string profileId) {
  return {"VP9", 90000, std::nullopt, std::move(profileId), std::nullopt, {}, true};
}

CodecPreference CodecPreference::h264(H264Profile profile) {
  return {"H264", 90000, std::nullopt, std::nullopt, profile, {}, true};
}

CodecPreference CodecPreference::av1() {
  return {"AV1", 90000, std::nullopt, "0", std::nullopt, {}, true};
}

CodecPreference CodecPreference::of(VideoCodec codec) {
  switch (codec) {
    case VideoCodec::kVp8:
      return vp8();
    case VideoCodec::kVp9:
      return vp9("0");
    case VideoCodec::kH264ConstrainedBaseline:
      return h264(H264Profile::kConstrainedBaseline);
    case VideoCodec::kH264Main:
      return h264(H264Profile::kMain);
    case VideoCodec::kAv1:
      return av1();
  }
  return vp8();
}

bool CodecPreference::matches(const RtpMap& offered, const Fmtp* offeredFmtp) const {
  if (!equalsIgnoringCase(offered.encodingName, encodingName) || offered.clockRate != clockRate) {
    return false;
  }
  // RFC 8866 §6.6: channels default to 1 when absent.
  if (channels && offered.channels.value_or(1) != *channels) {
    return false;
  }
  if (h264Profile) {
    // RFC 6184 §8.1: packetization-mode defaults to 0 (single NAL unit).
    if (parameterOr(offeredFmtp, "packetization-mode", "0") != "1") {
      return false;
    }
    const auto profileLevelId = H264ProfileLevelId::parse(
        parameterOr(offeredFmtp, "profile-level-id", std::string(kH264DefaultProfileLevelId)));
    return profileLevelId && profileLevelId->profile == *h264Profile;
  }
  if (profile) {
    const std::string key = equalsIgnoringCase(encodingName, "VP9") ? "profile-id" : "profile";
    return parameterOr(offeredFmtp, key, "0") == *profile;
  }
  return true;
}

std::map<std::string, std::string> CodecPreference::answerFmtp(const Fmtp* offeredFmtp) const {
  std::map<std::string, std::string> parameters = answerParameters;
  const auto echo = [&](const std::string& key) {
    if (offeredFmtp != nullptr && offeredFmtp->parameters.contains(key)) {
      parameters.emplace(key, offeredFmtp->parameters.at(key));
    }
  };
  if (h264Profile) {
    // The SFU forwards without decoding: it takes the offered level, and says the two
    // directions' levels may differ (RFC 6184 §8.2.2).
    parameters.emplace("packetization-mode", "1");
    parameters.emplace("level-asymmetry-allowed", "1");
    echo("profile-level-id");
  } else if (equalsIgnoringCase(encodingName, "VP9")) {
    echo("profile-id");
  } else if (equalsIgnoringCase(encodingName, "AV1")) {
    echo("profile");
    echo("level-idx");
    echo("tier");
  } else if (equalsIgnoringCase(encodingName, "opus")) {
    echo("minptime");
  }
  return parameters;
}

}  // namespace chorus::signaling
