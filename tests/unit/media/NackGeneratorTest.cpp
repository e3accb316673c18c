#include <array>
#include <chrono>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "media/routing/NackGenerator.h"

namespace chorus::media {
namespace {

using std::chrono::milliseconds;
using TimePoint = NackGenerator::TimePoint;

const TimePoint kStart{std::chrono::seconds(20)};

std::vector<std::uint16_t> due(NackGenerator& generator, TimePoint now) {
  std::array<std::uint16_t, NackGenerator::kMaxMissing> out{};
  const std::size_t count = generator.due(now, out);
  return {out.begin(), out.begin() + static_cast<std::ptrdiff_t>(count)};
}

TEST(NackGeneratorTest, GapAcrossTheWrapIsRequestedInOrder) {
  NackGenerator generator;
  generator.received(65533, kStart);
  generator.received(65534, kStart);
  generator.received(2, kStart);  // 65535, 0 and 1 lost
  EXPECT_EQ(generator.missing(), 3U);
  EXPECT_EQ(due(generator, kStart), (std::vector<std::uint16_t>{65535, 0, 1}));
}

TEST(NackGeneratorTest, RetriesAreSpacedAndLimited) {
  NackGenerator generator;
  generator.received(10, kStart);
  generator.received(12, kStart);
  const auto interval = NackGenerator::kDefaultRetryInterval;
  EXPECT_EQ(due(generator, kStart), std::vector<std::uint16_t>{11});
  EXPECT_TRUE(due(generator, kStart + interval - milliseconds(1)).empty());
  EXPECT_EQ(due(generator, kStart + interval), std::vector<std::uint16_t>{11});
  EXPECT_EQ(due(generator, kStart + 2 * interval), std::vector<std::uint16_t>{11});
  static_assert(NackGenerator::kMaxRequests == 3);
  EXPECT_TRUE(due(generator, kStart + 3 * interval).empty()) << "three requests, no more";
  EXPECT_EQ(generator.missing(), 0U);
  EXPECT_EQ(generator.givenUp(), 1U);
}

TEST(NackGeneratorTest, RoundTripTimeSetsTheRetryInterval) {
  NackGenerator generator;
  generator.setRoundTripTime(milliseconds(100));
  generator.received(1, kStart);
  generator.received(3, kStart);
  EXPECT_EQ(due(generator, kStart), std::vector<std::uint16_t>{2});
  EXPECT_TRUE(due(generator, kStart + milliseconds(109)).empty());
  EXPECT_EQ(due(generator, kStart + milliseconds(110)), std::vector<std::uint16_t>{2});
}

TEST(NackGeneratorTest, LateOrRecoveredPacketIsNoLongerRequested) {
  NackGenerator generator;
  generator.received(100, kStart);
  generator.received(104, kStart);  // 101, 102, 103 lost
  generator.received(102, kStart);  // arrives late (or from RTX)
  EXPECT_EQ(due(generator, kStart), (std::vector<std::uint16_t>{101, 103}));
  generator.received(101, kStart + milliseconds(5));
  EXPECT_EQ(due(generator, kStart + NackGenerator::kDefaultRetryInterval),
            std::vector<std::uint16_t>{103});
  generator.received(100, kStart);  // a duplicate of an old one changes nothing
  EXPECT_EQ(generator.missing(), 1U);
  EXPECT_EQ(generator.givenUp(), 0U);
}

TEST(NackGeneratorTest, NoGapNoRequest) {
  NackGenerator generator;
  for (std::uint32_t i = 0; i < 70000; ++i) {
    generator.received(static_cast<std::uint16_t>(i), kStart);
  }
  EXPECT_TRUE(due(generator, kStart).empty());
}

TEST(NackGeneratorTest, JumpTooWideToTrackIsGivenUp) {
  NackGenerator generator;
  generator.received(1, kStart);
  generator.received(3, kStart);
  generator.received(3 + NackGenerator::kMaxMissing + 2, kStart);
  EXPECT_EQ(generator.missing(), 0U);
  EXPECT_EQ(generator.givenUp(), 1U + NackGenerator::kMaxMissing + 1);
  EXPECT_TRUE(due(generator, kStart).empty());
}

TEST(NackGeneratorTest, OldestLossMakesRoomWhenFull) {
  NackGenerator generator;
  generator.received(0, kStart);
  generator.received(NackGenerator::kMaxMissing + 1, kStart);  // 1..kMaxMissing lost: full
  generator.received(NackGenerator::kMaxMissing + 3, kStart);  // one more lost
  EXPECT_EQ(generator.missing(), NackGenerator::kMaxMissing);
  EXPECT_EQ(generator.givenUp(), 1U);
  const auto requested = due(generator, kStart);
  ASSERT_EQ(requested.size(), NackGenerator::kMaxMissing);
  EXPECT_EQ(requested.front(), 2);
  EXPECT_EQ(requested.back(), NackGenerator::kMaxMissing + 2);
}

TEST(NackGeneratorTest, SmallOutputTakesTheRestNextTime) {
  NackGenerator generator;
  generator.received(0, kStart);
  generator.received(5, kStart);
  std::array<std::uint16_t, 2> out{};
  ASSERT_EQ(generator.due(kStart, out), 2U);
  EXPECT_EQ(out, (std::array<std::uint16_t, 2>{1, 2}));
  EXPECT_EQ(due(generator, kStart), (std::vector<std::uint16_t>{3, 4}));
}

}  // namespace
}  // namespace chorus::media
