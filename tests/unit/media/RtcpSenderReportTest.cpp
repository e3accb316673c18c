#include <array>

#include <gtest/gtest.h>

#include "RtcpTestPackets.h"
#include "media/wire/RtcpSenderReport.h"

namespace chorus::media {
namespace {

using test::Bytes;

// An SR with one report block, encoded by hand from the RFC 3550 §6.4.1 figure.
const Bytes kSenderReport{
    0x81, 200,  0x00, 0x0c,  // V=2 P=0 RC=1, PT=200, length 12 (13 words)
    0x12, 0x34, 0x56, 0x78,  // SSRC of sender
    0xe9, 0x4a, 0x3b, 0x2c,  // NTP timestamp, seconds
    0x80, 0x00, 0x00, 0x00,  // NTP timestamp, fraction (0.5 s)
    0x00, 0x01, 0x86, 0xa0,  // RTP timestamp 100000
    0x00, 0x00, 0x03, 0xe8,  // sender's packet count 1000
    0x00, 0x0f, 0x42, 0x40,  // sender's octet count 1000000
    0x9a, 0xbc, 0xde, 0xf0,  // report block: SSRC
    0x19, 0xff, 0xff, 0xfe,  // fraction lost 25/256, cumulative lost -2 (duplicates)
    0x00, 0x01, 0x12, 0x34,  // extended highest sequence number: 1 cycle, 0x1234
    0x00, 0x00, 0x00, 0x2a,  // jitter 42
    0x4a, 0x3b, 0x2c, 0x80,  // LSR: middle 32 bits of an earlier NTP timestamp
    0x00, 0x01, 0x80, 0x00,  // DLSR 1.5 s in 1/65536 s
};

const RtcpSenderInfo kInfo{.ssrc = 0x12345678,
                           .ntpTimestamp = 0xe94a3b2c80000000ULL,
                           .rtpTimestamp = 100000,
                           .packetCount = 1000,
                           .octetCount = 1000000};
const RtcpReportBlock kBlock{.ssrc = 0x9abcdef0,
                             .fractionLost = 25,
                             .cumulativeLost = -2,
                             .extendedHighestSequence = 0x00011234,
                             .jitter = 42,
                             .lastSenderReport = 0x4a3b2c80,
                             .delaySinceLastSenderReport = 0x18000};

TEST(RtcpSenderReportTest, ReadsEveryField) {
  const auto header = test::onlyPacket(kSenderReport);
  ASSERT_TRUE(header);
  const auto report = RtcpSenderReport::parse(*header);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->senderInfo(), kInfo);
  ASSERT_EQ(report->reportBlockCount(), 1U);
  EXPECT_EQ(report->reportBlock(0), kBlock);
}

TEST(RtcpSenderReportTest, BuildsTheSameBytes) {
  const std::array blocks{kBlock};
  const auto build = [&](std::span<std::uint8_t> out) {
    return RtcpSenderReport::build(out, kInfo, blocks);
  };
  EXPECT_EQ(test::built(build), kSenderReport);
  test::expectRefusesSmallBuffers(build, kSenderReport.size());
}

TEST(RtcpSenderReportTest, RoundTripsWithoutBlocksAndWithThirtyOne) {
  std::array<RtcpReportBlock, 32> blocks{};
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    blocks[i] = kBlock;
    blocks[i].ssrc = static_cast<std::uint32_t>(i);
    blocks[i].cumulativeLost = static_cast<std::int32_t>(i) * 1000 - 8;
  }
  for (const std::size_t count : {0, 31}) {
    const auto bytes = test::built([&](std::span<std::uint8_t> out) {
      return RtcpSenderReport::build(out, kInfo, std::span(blocks).first(count));
    });
    ASSERT_TRUE(bytes);
    EXPECT_EQ(bytes->size(), 28 + 24 * count);
    const auto report = RtcpSenderReport::parse(*test::onlyPacket(*bytes));
    ASSERT_TRUE(report);
    EXPECT_EQ(report->senderInfo(), kInfo);
    ASSERT_EQ(report->reportBlockCount(), count);
    for (std::size_t i = 0; i < count; ++i) {
      EXPECT_EQ(report->reportBlock(i), blocks[i]);
    }
  }
  EXPECT_FALSE(test::built(
      [&](std::span<std::uint8_t> out) { return RtcpSenderReport::build(out, kInfo, blocks); }));
}

TEST(RtcpSenderReportTest, ClampsCumulativeLostToTwentyFourBits) {
  RtcpReportBlock block = kBlock;
  block.cumulativeLost = 1 << 30;
  const std::array blocks{block};
  const auto bytes = test::built(
      [&](std::span<std::uint8_t> out) { return RtcpSenderReport::build(out, kInfo, blocks); });
  ASSERT_TRUE(bytes);
  EXPECT_EQ(RtcpSenderReport::parse(*test::onlyPacket(*bytes))->reportBlock(0).cumulativeLost,
            (1 << 23) - 1);
}

TEST(RtcpSenderReportTest, RejectsTruncationsAndOtherTypes) {
  test::expectTruncationsRejected(kSenderReport, RtcpSenderReport::parse);
  Bytes receiverReport = kSenderReport;
  receiverReport[1] = 201;
  EXPECT_FALSE(RtcpSenderReport::parse(*test::onlyPacket(receiverReport)));
  Bytes extended = kSenderReport;  // a profile-specific extension after the blocks is fine
  extended.insert(extended.end(), {1, 2, 3, 4});
  extended[3] = 13;
  EXPECT_TRUE(RtcpSenderReport::parse(*test::onlyPacket(extended)));
}

}  // namespace
}  // namespace chorus::media
