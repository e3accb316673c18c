#include <array>

#include <gtest/gtest.h>

#include "RtcpTestPackets.h"
#include "media/wire/RtcpReceiverReport.h"

namespace chorus::media {
namespace {

using test::Bytes;

// An RR with two report blocks, encoded by hand from the RFC 3550 §6.4.2 figure.
const Bytes kReceiverReport{
    0x82, 201,  0x00, 0x0d,  // V=2 P=0 RC=2, PT=201, length 13
    0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
    0x11, 0x11, 0x11, 0x11,  // block 1: SSRC
    0x00, 0x00, 0x00, 0x00,  // no loss
    0x00, 0x00, 0xff, 0xff,  // extended highest sequence number
    0x00, 0x00, 0x00, 0x10,  // jitter
    0x00, 0x00, 0x00, 0x00,  // LSR (no SR yet)
    0x00, 0x00, 0x00, 0x00,  // DLSR
    0x22, 0x22, 0x22, 0x22,  // block 2: SSRC
    0x80, 0x00, 0x01, 0x00,  // fraction lost 128/256, cumulative lost 256
    0x00, 0x02, 0x00, 0x05,  // extended highest sequence number
    0x00, 0x00, 0x01, 0x00,  // jitter
    0x12, 0x34, 0x56, 0x78,  // LSR
    0x00, 0x00, 0x80, 0x00,  // DLSR 0.5 s
};

const std::array<RtcpReportBlock, 2> kBlocks{
    RtcpReportBlock{.ssrc = 0x11111111,
                    .fractionLost = 0,
                    .cumulativeLost = 0,
                    .extendedHighestSequence = 0xffff,
                    .jitter = 16,
                    .lastSenderReport = 0,
                    .delaySinceLastSenderReport = 0},
    RtcpReportBlock{.ssrc = 0x22222222,
                    .fractionLost = 128,
                    .cumulativeLost = 256,
                    .extendedHighestSequence = 0x20005,
                    .jitter = 256,
                    .lastSenderReport = 0x12345678,
                    .delaySinceLastSenderReport = 0x8000},
};

TEST(RtcpReceiverReportTest, ReadsEveryField) {
  const auto report = RtcpReceiverReport::parse(*test::onlyPacket(kReceiverReport));
  ASSERT_TRUE(report);
  EXPECT_EQ(report->senderSsrc(), 1U);
  ASSERT_EQ(report->reportBlockCount(), 2U);
  EXPECT_EQ(report->reportBlock(0), kBlocks[0]);
  EXPECT_EQ(report->reportBlock(1), kBlocks[1]);
}

TEST(RtcpReceiverReportTest, BuildsTheSameBytes) {
  const auto build = [](std::span<std::uint8_t> out) {
    return RtcpReceiverReport::build(out, 1, kBlocks);
  };
  EXPECT_EQ(test::built(build), kReceiverReport);
  test::expectRefusesSmallBuffers(build, kReceiverReport.size());
}

TEST(RtcpReceiverReportTest, EmptyReportIsEightBytes) {
  const auto bytes = test::built(
      [](std::span<std::uint8_t> out) { return RtcpReceiverReport::build(out, 0xabcdef01, {}); });
  EXPECT_EQ(bytes, (Bytes{0x80, 201, 0x00, 0x01, 0xab, 0xcd, 0xef, 0x01}));
  const auto report = RtcpReceiverReport::parse(*test::onlyPacket(*bytes));
  ASSERT_TRUE(report);
  EXPECT_EQ(report->senderSsrc(), 0xabcdef01U);
  EXPECT_EQ(report->reportBlockCount(), 0U);
}

TEST(RtcpReceiverReportTest, RejectsTruncationsAndOtherTypes) {
  test::expectTruncationsRejected(kReceiverReport, RtcpReceiverReport::parse);
  Bytes senderReport = kReceiverReport;
  senderReport[1] = 200;
  EXPECT_FALSE(RtcpReceiverReport::parse(*test::onlyPacket(senderReport)));
}

}  // namespace
}  // namespace chorus::media
