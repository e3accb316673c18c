#include "media/wire/VideoKeyframe.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <utility>

#include "media/wire/ByteOrder.h"

namespace chorus::media {

namespace {

constexpr std::uint8_t bit(unsigned index) noexcept {
  return static_cast<std::uint8_t>(0x80U >> index);  // bit 0 is the most significant
}

// RFC 7741 §4.2: the payload descriptor, X|R|N|S|R|PID, then the optional extension octets;
// §4.3: the payload header follows on the first packet of a partition 0 (S = 1, PID = 0), and
// its P bit (the least significant of its first octet) is 0 on a key frame.
bool vp8StartsKeyframe(std::span<const std::uint8_t> payload) {
  if (payload.empty()) {
    return false;
  }
  const std::uint8_t first = payload[0];
  constexpr std::uint8_t kPartitionIdMask = 0x07;
  if ((first & bit(3)) == 0 || (first & kPartitionIdMask) != 0) {
    return false;
  }
  std::size_t at = 1;
  if ((first & bit(0)) != 0) {  // X: the extension octet I|L|T|K|RSV
    if (payload.size() < 2) {
      return false;
    }
    const std::uint8_t extension = payload[1];
    at = 2;
    if ((extension & bit(0)) != 0) {  // I: a picture id of 7 bits, or 15 when its M bit is set
      if (payload.size() <= at) {
        return false;
      }
      at += (payload[at] & bit(0)) != 0 ? 2 : 1;
    }
    if ((extension & bit(1)) != 0) {  // L: TL0PICIDX
      ++at;
    }
    if ((extension & (bit(2) | bit(3))) != 0) {  // T or K: TID|Y|KEYIDX
      ++at;
    }
  }
  return payload.size() > at && (payload[at] & 0x01U) == 0;
}

// RFC 9628 §4.2: the first octet is I|P|L|F|B|E|V|Z. A picture that uses no inter-picture
// prediction (P = 0), from its first packet (B = 1), in the base spatial layer (SID = 0 in the
// layer indices, when present) is where a decoder can start.
bool vp9StartsKeyframe(std::span<const std::uint8_t> payload) {
  if (payload.empty()) {
    return false;
  }
  const std::uint8_t first = payload[0];
  if ((first & bit(1)) != 0 || (first & bit(4)) == 0) {
    return false;
  }
  if ((first & bit(2)) == 0) {
    return true;  // no layer indices: a single spatial layer
  }
  std::size_t at = 1;
  if ((first & bit(0)) != 0) {  // I: a picture id of 7 bits, or 15 when its M bit is set
    if (payload.size() <= at) {
      return false;
    }
    at += (payload[at] & bit(0)) != 0 ? 2 : 1;
  }
  if (payload.size() <= at) {
    return false;
  }
  // The layer indices octet: TID(3)|U|SID(3)|D.
  constexpr unsigned kSpatialShift = 1;
  constexpr std::uint8_t kSpatialMask = 0x07;
  return ((payload[at] >> kSpatialShift) & kSpatialMask) == 0;
}

// RFC 6184 §5.3 and §1.3: nal_unit_type is the low five bits of the NAL unit header; an IDR
// picture's slices are type 5 and a sequence parameter set, which precedes one in every stream
// a decoder can join, is type 7.
constexpr std::uint8_t kNalTypeMask = 0x1F;
constexpr std::uint8_t kNalIdr = 5;
constexpr std::uint8_t kNalSps = 7;
constexpr std::uint8_t kNalStapA = 24;
constexpr std::uint8_t kNalFuA = 28;

bool isKeyframeNal(std::uint8_t header) {
  const auto type = static_cast<std::uint8_t>(header & kNalTypeMask);
  return type == kNalIdr || type == kNalSps;
}

// A single NAL unit packet, a STAP-A (RFC 6184 §5.7.1: 16-bit sizes, each followed by a NAL
// unit) holding an IDR slice or an SPS, or the start (S bit) of a fragmented one (FU-A, §5.8).
bool h264StartsKeyframe(std::span<const std::uint8_t> payload) {
  if (payload.empty()) {
    return false;
  }
  const auto type = static_cast<std::uint8_t>(payload[0] & kNalTypeMask);
  if (type == kNalStapA) {
    std::size_t at = 1;
    while (payload.size() >= at + 3) {
      const std::size_t size = loadBe16(payload, at);
      if (size == 0 || payload.size() < at + 2 + size) {
        return false;
      }
      if (isKeyframeNal(payload[at + 2])) {
        return true;
      }
      at += 2 + size;
    }
    return false;
  }
  if (type == kNalFuA) {
    return payload.size() >= 2 && (payload[1] & bit(0)) != 0 && isKeyframeNal(payload[1]);
  }
  return isKeyframeNal(payload[0]);
}

// The AV1 RTP payload format (AOMedia, v1.0.0) §4.4: the aggregation header is Z|Y|W(2)|N; N is
// set on the first packet of a coded video sequence, which begins with a keyframe.
bool av1StartsKeyframe(std::span<const std::uint8_t> payload) {
  return !payload.empty() && (payload[0] & bit(4)) != 0;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

VideoFormat videoFormatFromEncodingName(std::string_view encodingName) noexcept {
  constexpr std::array<std::pair<std::string_view, VideoFormat>, 4> kNames{{
      {"VP8", VideoFormat::kVp8},
      {"VP9", VideoFormat::kVp9},
      {"H264", VideoFormat::kH264},
      {"AV1", VideoFormat::kAv1},
  }};
  for (const auto& [name, format] : kNames) {
    if (equalsIgnoringCase(encodingName, name)) {
      return format;
    }
  }
  return VideoFormat::kUnknown;
}

bool startsKeyframe(VideoFormat format, std::span<const std::uint8_t> payload) noexcept {
  switch (format) {
    case VideoFormat::kVp8:
      return vp8StartsKeyframe(payload);
    case VideoFormat::kVp9:
      return vp9StartsKeyframe(payload);
    case VideoFormat::kH264:
      return h264StartsKeyframe(payload);
    case VideoFormat::kAv1:
      return av1StartsKeyframe(payload);
    case VideoFormat::kUnknown:
      break;
  }
  return false;
}

}  // namespace chorus::media
