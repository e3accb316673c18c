#include <gtest/gtest.h>

#include "signaling/sdp/H264ProfileLevelId.h"

namespace chorus::signaling {
namespace {

H264Profile profileOf(std::string_view text) {
  const auto parsed = H264ProfileLevelId::parse(text);
  EXPECT_TRUE(parsed) << text;
  return parsed.value_or(H264ProfileLevelId{}).profile;
}

// RFC 6184 §8.1 Table 5, row by row.
TEST(SdpH264ProfileLevelIdTest, ProfilesOfTable5) {
  EXPECT_EQ(profileOf("42e01f"), H264Profile::kConstrainedBaseline);  // cs0 cs1 cs2
  EXPECT_EQ(profileOf("42c01f"), H264Profile::kConstrainedBaseline);  // cs0 cs1
  EXPECT_EQ(profileOf("42401f"), H264Profile::kConstrainedBaseline);  // cs1
  EXPECT_EQ(profileOf("4d801f"), H264Profile::kConstrainedBaseline);  // Main with cs0
  EXPECT_EQ(profileOf("58c01f"), H264Profile::kConstrainedBaseline);  // Extended with cs0 cs1
  EXPECT_EQ(profileOf("42001f"), H264Profile::kBaseline);
  EXPECT_EQ(profileOf("42801f"), H264Profile::kBaseline);
  EXPECT_EQ(profileOf("58801f"), H264Profile::kBaseline);
  EXPECT_EQ(profileOf("4d001f"), H264Profile::kMain);
  EXPECT_EQ(profileOf("4d401f"), H264Profile::kMain);
  EXPECT_EQ(profileOf("58001f"), H264Profile::kExtended);
  EXPECT_EQ(profileOf("64001f"), H264Profile::kHigh);
  EXPECT_EQ(profileOf("4D001F"), H264Profile::kMain);
}

TEST(SdpH264ProfileLevelIdTest, LevelIsTheLastByte) {
  EXPECT_EQ(H264ProfileLevelId::parse("42e01f")->level, 0x1f);
  EXPECT_EQ(H264ProfileLevelId::parse("4d0032")->level, 0x32);
}

TEST(SdpH264ProfileLevelIdTest, RejectsMalformedAndUnlistedProfiles) {
  EXPECT_FALSE(H264ProfileLevelId::parse(""));
  EXPECT_FALSE(H264ProfileLevelId::parse("42e01"));
  EXPECT_FALSE(H264ProfileLevelId::parse("42e01f0"));
  EXPECT_FALSE(H264ProfileLevelId::parse("42e0xf"));
  EXPECT_FALSE(H264ProfileLevelId::parse("+2e01f"));
  EXPECT_FALSE(H264ProfileLevelId::parse("42081f"));  // reserved bits set
  EXPECT_FALSE(H264ProfileLevelId::parse("640c1f"));  // Constrained High: not in RFC 6184
  EXPECT_FALSE(H264ProfileLevelId::parse("f4001f"));  // High 4:4:4 Predictive
}

}  // namespace
}  // namespace chorus::signaling
