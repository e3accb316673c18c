#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "signaling/sdp/H264ProfileLevelId.h"
#include "signaling/sdp/SdpAttributes.h"

namespace chorus::signaling {

// The video codecs an operator can list (rooms.video_codecs).
enum class VideoCodec : std::uint8_t { kVp8, kVp9, kH264ConstrainedBaseline, kH264Main, kAv1 };

// One codec of the server's configured list, and how an offered payload type is matched
// against it.
struct CodecPreference {
  std::string encodingName;  // compared case-insensitively (RFC 4855 §3)
  std::uint32_t clockRate = 0;
  std::optional<std::uint32_t> channels;
  // VP9 profile-id or AV1 profile the offer must carry (absent in the offer means "0": VP9
  // RTP payload format §6, AV1 RTP specification §7.2).
  std::optional<std::string> profile;
  // H.264: the profile the offer's profile-level-id must name (RFC 6184 §8.1), with
  // packetization-mode=1, the only mode Chorus forwards.
  std::optional<H264Profile> h264Profile;
  // fmtp parameters the server puts in its answer, whatever was offered (Opus's useinbandfec,
  // usedtx, stereo: RFC 7587 §6.1).
  std::map<std::string, std::string> answerParameters;
  bool rtx = false;  // negotiate RTX (RFC 4588) for it when offered

  static CodecPreference opus();
  static CodecPreference vp8();
  static CodecPreference vp9(std::string profileId);
  static CodecPreference h264(H264Profile profile);
  static CodecPreference av1();
  static CodecPreference of(VideoCodec codec);

  // Whether an offered payload type (its rtpmap and fmtp) is this codec.
  bool matches(const RtpMap& offered, const Fmtp* offeredFmtp) const;
  // The fmtp of the answer for an offered payload type that matches.
  std::map<std::string, std::string> answerFmtp(const Fmtp* offeredFmtp) const;
};

}  // namespace chorus::signaling
