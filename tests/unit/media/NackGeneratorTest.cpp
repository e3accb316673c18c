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

TEST(NackGeneratorTest, AnsweredRequestMeasuresTheRoundTripAndSetsTheRetryInterval) {
  NackGenerator generator;
  generator.received(1, kStart);
  generator.received(3, kStart);
  EXPECT_EQ(due(generator, kStart), std::vector<std::uint16_t>{2});
  generator.received(2, kStart + milliseconds(100), NackGenerator::Arrival::kRetransmission);
  EXPECT_EQ(generator.roundTripTime(), milliseconds(100));
  // RFC 6298 §2.2: RTTVAR = RTT / 2 on the first sample; the interval is SRTT + 4 RTTVAR.
  EXPECT_EQ(generator.retryInterval(), milliseconds(300));

  generator.received(5, kStart + milliseconds(200));
  EXPECT_EQ(due(generator, kStart + milliseconds(200)), std::vector<std::uint16_t>{4});
  EXPECT_TRUE(due(generator, kStart + milliseconds(499)).empty());
  EXPECT_EQ(due(generator, kStart + milliseconds(500)), std::vector<std::uint16_t>{4});
}

TEST(NackGeneratorTest, LaterSamplesAreSmoothed) {
  NackGenerator generator;
  generator.received(0, kStart);
  TimePoint now = kStart;
  // Losses answered 40 ms after their one request, then one answered after 120 ms.
  for (const std::uint16_t lost : {1, 3, 5}) {
    generator.received(static_cast<std::uint16_t>(lost + 1), now);
    EXPECT_EQ(due(generator, now), std::vector<std::uint16_t>{lost});
    const auto rtt = lost == 5 ? milliseconds(120) : milliseconds(40);
    now += rtt;
    generator.received(lost, now, NackGenerator::Arrival::kRetransmission);
  }
  // SRTT: 40, 40, 40 * 7/8 + 120 / 8 = 50; RTTVAR: 20, 15, (3 * 15 + 80) / 4 = 31.25.
  EXPECT_EQ(generator.roundTripTime(), milliseconds(50));
  EXPECT_EQ(generator.retryInterval(), milliseconds(175));
}

TEST(NackGeneratorTest, AmbiguousOrLateArrivalsAreNoSample) {
  NackGenerator generator;
  generator.received(1, kStart);
  generator.received(4, kStart);  // 2 and 3 lost
  EXPECT_EQ(due(generator, kStart), (std::vector<std::uint16_t>{2, 3}));
  const auto interval = NackGenerator::kDefaultRetryInterval;
  EXPECT_EQ(due(generator, kStart + interval), (std::vector<std::uint16_t>{2, 3}));
  // Karn's rule: which of the two requests did this answer?
  generator.received(2, kStart + interval + milliseconds(5),
                     NackGenerator::Arrival::kRetransmission);
  // Reordered, not retransmitted: says nothing of the round trip.
  generator.received(3, kStart + interval + milliseconds(6));
  EXPECT_FALSE(generator.roundTripTime().has_value());
  EXPECT_EQ(generator.retryInterval(), interval);
}

TEST(NackGeneratorTest, RetryIntervalIsBounded) {
  NackGenerator generator;
  generator.received(1, kStart);
  generator.received(3, kStart);
  due(generator, kStart);
  generator.received(2, kStart + milliseconds(1), NackGenerator::Arrival::kRetransmission);
  EXPECT_EQ(generator.retryInterval(), NackGenerator::kMinRetryInterval);

  generator.received(5, kStart);
  due(generator, kStart);
  generator.received(4, kStart + std::chrono::seconds(5), NackGenerator::Arrival::kRetransmission);
  EXPECT_EQ(generator.retryInterval(), NackGenerator::kMaxRetryInterval);
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
