// Where keyframes start, from payload layouts built by hand from each payload format's
// specification (the bit positions are cited where the bytes are).
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "media/wire/VideoKeyframe.h"

namespace chorus::media {
namespace {

bool starts(VideoFormat format, const std::vector<std::uint8_t>& payload) {
  return startsKeyframe(format, payload);
}

TEST(VideoKeyframeTest, EncodingNamesAreMatchedIgnoringCase) {
  EXPECT_EQ(videoFormatFromEncodingName("VP8"), VideoFormat::kVp8);
  EXPECT_EQ(videoFormatFromEncodingName("vp9"), VideoFormat::kVp9);
  EXPECT_EQ(videoFormatFromEncodingName("H264"), VideoFormat::kH264);
  EXPECT_EQ(videoFormatFromEncodingName("AV1"), VideoFormat::kAv1);
  EXPECT_EQ(videoFormatFromEncodingName("opus"), VideoFormat::kUnknown);
  EXPECT_EQ(videoFormatFromEncodingName("VP8X"), VideoFormat::kUnknown);
  EXPECT_EQ(videoFormatFromEncodingName(""), VideoFormat::kUnknown);
}

// RFC 7741 §4.2: X|R|N|S|R|PID, I|L|T|K|RSV, M|PictureID; §4.3 / RFC 6386 §9.1: the frame tag's
// lowest bit is 0 on a key frame, whose header then carries the start code 9d 01 2a.
TEST(VideoKeyframeTest, Vp8KeyframeIsTheFirstPacketOfPartitionZeroWithPClear) {
  // X and S set, a 15-bit picture id (as browsers send it), then the frame tag.
  EXPECT_TRUE(
      starts(VideoFormat::kVp8, {0x90, 0x80, 0x81, 0x23, 0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a}));
  EXPECT_FALSE(starts(VideoFormat::kVp8, {0x90, 0x80, 0x81, 0x23, 0x51, 0x42, 0x00}))
      << "an inter frame (P = 1)";
  EXPECT_FALSE(starts(VideoFormat::kVp8, {0x80, 0x80, 0x81, 0x23, 0x50, 0x42}))
      << "not the start of a partition (S = 0)";
  EXPECT_FALSE(starts(VideoFormat::kVp8, {0x91, 0x80, 0x81, 0x23, 0x50, 0x42}))
      << "partition 1 (PID = 1)";
  // No extension octets at all.
  EXPECT_TRUE(starts(VideoFormat::kVp8, {0x10, 0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a}));
  // I, L and T: a 7-bit picture id, TL0PICIDX, then TID|Y|KEYIDX.
  EXPECT_TRUE(starts(VideoFormat::kVp8, {0x90, 0xE0, 0x05, 0x07, 0x20, 0x50, 0x42}));
  EXPECT_FALSE(starts(VideoFormat::kVp8, {0x90, 0xE0, 0x05, 0x07, 0x20, 0x51, 0x42}));
}

TEST(VideoKeyframeTest, TruncatedVp8DescriptorsAreNoKeyframe) {
  EXPECT_FALSE(starts(VideoFormat::kVp8, {}));
  EXPECT_FALSE(starts(VideoFormat::kVp8, {0x90}));
  EXPECT_FALSE(starts(VideoFormat::kVp8, {0x90, 0x80}));
  EXPECT_FALSE(starts(VideoFormat::kVp8, {0x90, 0x80, 0x81}));
  EXPECT_FALSE(starts(VideoFormat::kVp8, {0x90, 0x80, 0x81, 0x23}));
  EXPECT_FALSE(starts(VideoFormat::kVp8, {0x90, 0xE0, 0x05, 0x07, 0x20}));
}

// RFC 9628 §4.2: I|P|L|F|B|E|V|Z, the picture id, then TID|U|SID|D when L is set.
TEST(VideoKeyframeTest, Vp9KeyframeIsAnIntraPictureFromItsFirstPacketInTheBaseLayer) {
  // I, B and V: a 15-bit picture id, then the scalability structure.
  EXPECT_TRUE(starts(VideoFormat::kVp9, {0x8A, 0x80, 0x01, 0x18, 0x01, 0x40}));
  EXPECT_FALSE(starts(VideoFormat::kVp9, {0xC8, 0x80, 0x02, 0x00})) << "inter predicted (P = 1)";
  EXPECT_FALSE(starts(VideoFormat::kVp9, {0x80, 0x80, 0x01, 0x00})) << "not the first packet";
  // L: the layer indices say which spatial layer.
  EXPECT_TRUE(starts(VideoFormat::kVp9, {0xA8, 0x05, 0x00, 0x07}));
  EXPECT_FALSE(starts(VideoFormat::kVp9, {0xA8, 0x05, 0x02, 0x07})) << "spatial layer 1";
  EXPECT_FALSE(starts(VideoFormat::kVp9, {0xA8})) << "truncated before its picture id";
  EXPECT_FALSE(starts(VideoFormat::kVp9, {0xA8, 0x85, 0x01})) << "truncated before its layer";
  EXPECT_FALSE(starts(VideoFormat::kVp9, {}));
}

// RFC 6184 §5.3: F|NRI|Type; type 5 is an IDR slice, 7 a sequence parameter set, 24 a STAP-A
// (§5.7.1), 28 an FU-A whose FU header is S|E|R|Type (§5.8).
TEST(VideoKeyframeTest, H264KeyframeIsAnIdrSliceOrParameterSetInAnyPacketization) {
  EXPECT_TRUE(starts(VideoFormat::kH264, {0x65, 0x88, 0x84})) << "an IDR slice";
  EXPECT_TRUE(starts(VideoFormat::kH264, {0x67, 0x42, 0xc0, 0x1f})) << "an SPS";
  EXPECT_FALSE(starts(VideoFormat::kH264, {0x41, 0x9a, 0x02})) << "a non-IDR slice";
  EXPECT_FALSE(starts(VideoFormat::kH264, {0x68, 0xce, 0x3c})) << "a PPS alone";
  // STAP-A holding an SPS and a PPS, as browsers send them before an IDR.
  EXPECT_TRUE(starts(VideoFormat::kH264,
                     {0x78, 0x00, 0x04, 0x67, 0x42, 0xc0, 0x1f, 0x00, 0x02, 0x68, 0xce}));
  EXPECT_TRUE(starts(VideoFormat::kH264, {0x78, 0x00, 0x02, 0x68, 0xce, 0x00, 0x02, 0x65, 0x88}))
      << "an IDR slice second in the STAP-A";
  EXPECT_FALSE(starts(VideoFormat::kH264, {0x78, 0x00, 0x02, 0x41, 0x9a}));
  EXPECT_FALSE(starts(VideoFormat::kH264, {0x78, 0x00, 0x09, 0x67, 0x42})) << "a size past the end";
  EXPECT_FALSE(starts(VideoFormat::kH264, {0x78, 0x00, 0x00, 0x67})) << "an empty unit";
  // FU-A: the first fragment of an IDR slice, a later one, the first of a non-IDR slice.
  EXPECT_TRUE(starts(VideoFormat::kH264, {0x7c, 0x85, 0xb8, 0x00}));
  EXPECT_FALSE(starts(VideoFormat::kH264, {0x7c, 0x05, 0x11, 0x22}));
  EXPECT_FALSE(starts(VideoFormat::kH264, {0x5c, 0x81, 0x9a, 0x00}));
  EXPECT_FALSE(starts(VideoFormat::kH264, {0x7c}));
  EXPECT_FALSE(starts(VideoFormat::kH264, {}));
}

// AV1 RTP payload format §4.4: Z|Y|W|W|N|-|-|-; N marks the first packet of a coded video
// sequence.
TEST(VideoKeyframeTest, Av1KeyframeIsTheFirstPacketOfACodedVideoSequence) {
  EXPECT_TRUE(starts(VideoFormat::kAv1, {0x18, 0x0a, 0x0b}));
  EXPECT_FALSE(starts(VideoFormat::kAv1, {0x10, 0x32, 0x10}));
  EXPECT_FALSE(starts(VideoFormat::kAv1, {}));
}

TEST(VideoKeyframeTest, UnknownFormatHasNoKeyframes) {
  EXPECT_FALSE(starts(VideoFormat::kUnknown, {0x10, 0x50, 0x42}));
}

}  // namespace
}  // namespace chorus::media
