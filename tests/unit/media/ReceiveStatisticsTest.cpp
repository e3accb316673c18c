#include <chrono>
#include <cstdint>

#include <gtest/gtest.h>

#include "media/routing/ReceiveStatistics.h"

namespace chorus::media {
namespace {

using std::chrono::milliseconds;
using TimePoint = ReceiveStatistics::TimePoint;

const TimePoint kStart{std::chrono::seconds(1000)};

TEST(ReceiveStatisticsTest, NoBlockBeforeTheFirstPacket) {
  ReceiveStatistics stats(0xABCD, 90'000);
  EXPECT_FALSE(stats.report(kStart));
}

// RFC 3550 §A.3: expected = highest - base + 1, lost = expected - received; the fraction is
// lost in the interval x 256 / expected in the interval.
TEST(ReceiveStatisticsTest, LossAndFractionLostPerInterval) {
  ReceiveStatistics stats(0xABCD, 90'000);
  TimePoint now = kStart;
  // 65530 .. 65535, 0 .. 13 (20 packets across the wrap), 4 of them lost.
  for (std::uint32_t i = 0; i < 20; ++i) {
    const auto seq = static_cast<std::uint16_t>(65530 + i);
    now += milliseconds(20);
    if (i == 3 || i == 8 || i == 9 || i == 15) {
      continue;
    }
    stats.onPacket(seq, i * 1800, now);
  }
  const auto first = stats.report(now);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->ssrc, 0xABCDU);
  EXPECT_EQ(first->extendedHighestSequence, 65536U + 13);
  EXPECT_EQ(first->cumulativeLost, 4);
  EXPECT_EQ(first->fractionLost, 4 * 256 / 20);
  // Next interval: 10 packets, 1 lost; a reordered old one does not move the highest.
  for (std::uint32_t i = 20; i < 30; ++i) {
    now += milliseconds(20);
    if (i != 25) {
      stats.onPacket(static_cast<std::uint16_t>(65530 + i), i * 1800, now);
    }
  }
  stats.onPacket(static_cast<std::uint16_t>(65530 + 15), 15 * 1800, now);  // late, recovers one
  const auto second = stats.report(now);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->extendedHighestSequence, 65536U + 23);
  EXPECT_EQ(second->cumulativeLost, 4);
  EXPECT_EQ(second->fractionLost, 0);  // 10 expected, 10 received in the interval
  EXPECT_EQ(stats.report(now)->fractionLost, 0);
}

// RFC 3550 §A.8: packets exactly on their timestamps' schedule have no jitter; alternating
// 10 ms early and late in a 90 kHz clock converges towards 900 x 2 = 1800 ticks of |D|.
TEST(ReceiveStatisticsTest, InterarrivalJitterInClockUnits) {
  ReceiveStatistics steady(1, 90'000);
  ReceiveStatistics shaky(2, 90'000);
  for (std::uint32_t i = 0; i < 500; ++i) {
    const TimePoint onTime = kStart + milliseconds(20 * i);
    steady.onPacket(static_cast<std::uint16_t>(i), i * 1800, onTime);
    shaky.onPacket(static_cast<std::uint16_t>(i), i * 1800,
                   onTime + milliseconds(i % 2 == 0 ? 0 : 10));
  }
  EXPECT_EQ(steady.report(kStart)->jitter, 0U);
  const std::uint32_t jitter = shaky.report(kStart)->jitter;
  EXPECT_GE(jitter, 880U);
  EXPECT_LE(jitter, 900U);
}

// RFC 3550 §6.4.1: LSR is the middle 32 bits of the SR's NTP timestamp; DLSR the delay since in
// 1/65536 s.
TEST(ReceiveStatisticsTest, LastSenderReportAndDelaySince) {
  ReceiveStatistics stats(3, 48'000);
  stats.onPacket(1, 960, kStart);
  EXPECT_EQ(stats.report(kStart)->lastSenderReport, 0U);
  stats.onSenderReport(0x0123'4567'89AB'CDEFULL, 4242, kStart);
  const auto block = stats.report(kStart + milliseconds(500));
  EXPECT_EQ(block->lastSenderReport, 0x4567'89ABU);
  EXPECT_EQ(block->delaySinceLastSenderReport, 32768U);
  EXPECT_EQ(stats.lastSenderReport()->rtpTimestamp, 4242U);
}

}  // namespace
}  // namespace chorus::media
