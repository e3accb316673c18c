#include <string>

#include <gtest/gtest.h>

#include "signaling/auth/RoomPattern.h"

namespace chorus::signaling {
namespace {

TEST(RoomPatternTest, ExactPatternMatchesOnlyThatRoom) {
  const auto pattern = RoomPattern::parse("standup");
  ASSERT_TRUE(pattern);
  EXPECT_FALSE(pattern->isPrefix());
  EXPECT_TRUE(pattern->matches("standup"));
  EXPECT_FALSE(pattern->matches("standup2"));
  EXPECT_FALSE(pattern->matches("Standup"));
  EXPECT_FALSE(pattern->matches("stand"));
  EXPECT_FALSE(pattern->matches(""));
}

TEST(RoomPatternTest, TrailingStarMatchesByPrefix) {
  const auto pattern = RoomPattern::parse("team-a/*");
  ASSERT_TRUE(pattern);
  EXPECT_TRUE(pattern->isPrefix());
  EXPECT_TRUE(pattern->matches("team-a/"));
  EXPECT_TRUE(pattern->matches("team-a/standup"));
  EXPECT_FALSE(pattern->matches("team-b/standup"));
  EXPECT_FALSE(pattern->matches("team-a"));
  EXPECT_EQ(pattern->text(), "team-a/*");
}

TEST(RoomPatternTest, StarAloneMatchesEveryRoom) {
  const auto pattern = RoomPattern::parse("*");
  ASSERT_TRUE(pattern);
  EXPECT_TRUE(pattern->matches("standup"));
  EXPECT_TRUE(pattern->matches("x"));
}

TEST(RoomPatternTest, StarAnywhereButTheEndEmptyAndOverlongAreRejected) {
  EXPECT_FALSE(RoomPattern::parse(""));
  EXPECT_FALSE(RoomPattern::parse("*a"));
  EXPECT_FALSE(RoomPattern::parse("a*b"));
  EXPECT_FALSE(RoomPattern::parse("a**"));
  EXPECT_TRUE(RoomPattern::parse(std::string(RoomPattern::kMaxBytes, 'r')));
  EXPECT_FALSE(RoomPattern::parse(std::string(RoomPattern::kMaxBytes + 1, 'r')));
}

}  // namespace
}  // namespace chorus::signaling
