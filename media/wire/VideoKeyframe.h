#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace chorus::media {

// The video payload formats whose RTP payloads the router can read far enough to see where a
// keyframe starts. The router never decodes media: it reads the payload descriptor (VP8, VP9),
// the aggregation header (AV1) or the NAL unit headers (H.264) at the front of a packet.
enum class VideoFormat : std::uint8_t { kUnknown, kVp8, kVp9, kH264, kAv1 };

// The format of an SDP encoding name (a=rtpmap, RFC 4566 §6; compared case-insensitively, as
// RFC 4855 §3 has media subtype names), kUnknown for anything else.
VideoFormat videoFormatFromEncodingName(std::string_view encodingName) noexcept;

// True when `payload`, the payload of one RTP packet in `format`, is the first packet of a
// keyframe: a picture a decoder can start from. False for every other packet, for kUnknown,
// and for a payload too short for its own descriptor.
bool startsKeyframe(VideoFormat format, std::span<const std::uint8_t> payload) noexcept;

}  // namespace chorus::media
