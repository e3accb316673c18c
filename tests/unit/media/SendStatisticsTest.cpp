#include <chrono>
#include <cstdint>

#include <gtest/gtest.h>

#include "media/routing/SendStatistics.h"

namespace chorus::media {
namespace {

using std::chrono::milliseconds;
using TimePoint = SendStatistics::TimePoint;

const TimePoint kStart{std::chrono::seconds(1000)};

TEST(SendStatisticsTest, NoSenderInfoWithoutPacketsOrAPublisherReport) {
  SendStatistics stats;
  const SenderReportMapping mapping{
      .ntpTimestamp = 1ULL << 32, .rtpTimestamp = 0, .arrival = kStart};
  EXPECT_FALSE(stats.senderInfo(7, mapping, 0, 90'000, kStart));
  stats.onPacketSent(100);
  EXPECT_FALSE(stats.senderInfo(7, std::nullopt, 0, 90'000, kStart));
  EXPECT_TRUE(stats.senderInfo(7, mapping, 0, 90'000, kStart));
}

// The publisher's pair carried forward 250 ms: NTP + 0.25 s (2^30 in the 32.32 format), RTP
// + 22500 ticks at 90 kHz, plus the subscriber's offset (mod 2^32).
TEST(SendStatisticsTest, SenderInfoCarriesThePublisherMappingForward) {
  SendStatistics stats;
  stats.onPacketSent(1000);
  stats.onPacketSent(234);
  const SenderReportMapping mapping{.ntpTimestamp = (0xE000'0000ULL << 32) | 0x4000'0000U,
                                    .rtpTimestamp = 0xFFFF'0000U,
                                    .arrival = kStart};
  const auto info =
      stats.senderInfo(0xC0DE, mapping, 0x0002'0000U, 90'000, kStart + milliseconds(250));
  ASSERT_TRUE(info);
  EXPECT_EQ(info->ssrc, 0xC0DEU);
  EXPECT_EQ(info->ntpTimestamp, (0xE000'0000ULL << 32) | 0x8000'0000U);
  EXPECT_EQ(info->rtpTimestamp, 0x0001'0000U + 22'500U);
  EXPECT_EQ(info->packetCount, 2U);
  EXPECT_EQ(info->octetCount, 1234U);
}

// RFC 3550 §6.4.1: RTT = A - LSR - DLSR; the subscriber held the SR 100 ms (DLSR 6553.6) and
// its report came 180 ms after the SR left: 80 ms.
TEST(SendStatisticsTest, RoundTripTimeFromTheSubscribersReport) {
  SendStatistics stats;
  stats.onPacketSent(10);
  const RtcpSenderInfo sent{.ssrc = 1, .ntpTimestamp = 0x0000'1234'5678'0000ULL};
  stats.onSenderReportSent(sent, kStart);
  EXPECT_FALSE(stats.roundTripTime());
  RtcpReportBlock block{.ssrc = 1,
                        .fractionLost = 12,
                        .lastSenderReport = 0x1234'5678,
                        .delaySinceLastSenderReport = 6554};
  stats.onReportBlock(block, kStart + milliseconds(180));
  ASSERT_TRUE(stats.roundTripTime());
  EXPECT_NEAR(static_cast<double>(stats.roundTripTime()->count()), 80'000.0, 20.0);
  EXPECT_EQ(stats.fractionLost(), 12);
  // A report on another SR does not measure.
  block.lastSenderReport = 0x1111'1111;
  stats.onReportBlock(block, kStart + milliseconds(900));
  EXPECT_NEAR(static_cast<double>(stats.roundTripTime()->count()), 80'000.0, 20.0);
}

}  // namespace
}  // namespace chorus::media
