#include <array>
#include <vector>

#include <gtest/gtest.h>

#include "RtcpTestPackets.h"
#include "media/wire/RtcpNack.h"

namespace chorus::media {
namespace {

using test::Bytes;

// Encoded by hand from RFC 4585 §6.2.1: two FCI entries. PID 1000 with BLP 0b101 reports 1000,
// 1001 and 1003 lost; PID 65534 with BLP 0b11 reports 65534, 65535 and 0 (the BLP wraps).
const Bytes kNack{
    0x81, 205,  0x00, 0x04,  // V=2 P=0 FMT=1, PT=205 (RTPFB), length 4
    0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
    0x12, 0x34, 0x56, 0x78,  // SSRC of media source
    0x03, 0xe8, 0x00, 0x05,  // PID 1000, BLP 0b0000000000000101
    0xff, 0xfe, 0x00, 0x03,  // PID 65534, BLP 0b0000000000000011
};

const std::array<RtcpNackItem, 2> kItems{RtcpNackItem{1000, 0x0005}, RtcpNackItem{65534, 0x0003}};

TEST(RtcpNackTest, ReadsItems) {
  const auto nack = RtcpNack::parse(*test::onlyPacket(kNack));
  ASSERT_TRUE(nack);
  EXPECT_EQ(nack->senderSsrc(), 1U);
  EXPECT_EQ(nack->mediaSsrc(), 0x12345678U);
  ASSERT_EQ(nack->itemCount(), 2U);
  EXPECT_EQ(nack->item(0), kItems[0]);
  EXPECT_EQ(nack->item(1), kItems[1]);
}

TEST(RtcpNackTest, BuildsTheSameBytesFromItemsAndFromLostSequenceNumbers) {
  const auto fromItems = [](std::span<std::uint8_t> out) {
    return RtcpNack::build(out, 1, 0x12345678, kItems);
  };
  EXPECT_EQ(test::built(fromItems), kNack);
  test::expectRefusesSmallBuffers(fromItems, kNack.size());

  constexpr std::array<std::uint16_t, 6> kLost{1000, 1001, 1003, 65534, 65535, 0};
  const auto fromLost = [&](std::span<std::uint8_t> out) {
    return RtcpNack::buildFromLost(out, 1, 0x12345678, kLost);
  };
  EXPECT_EQ(test::built(fromLost), kNack);
  test::expectRefusesSmallBuffers(fromLost, kNack.size());
}

TEST(RtcpNackTest, PacksSixteenFollowersIntoOneItemAndStartsANewOneAfter) {
  std::vector<std::uint16_t> lost;
  for (std::uint16_t seq = 100; seq <= 117; ++seq) {
    lost.push_back(seq);
  }
  lost.push_back(117);  // a repeat changes nothing
  lost.push_back(50);   // out of order: an item of its own
  const auto bytes = test::built(
      [&](std::span<std::uint8_t> out) { return RtcpNack::buildFromLost(out, 7, 8, lost); });
  ASSERT_TRUE(bytes);
  const auto nack = RtcpNack::parse(*test::onlyPacket(*bytes));
  ASSERT_TRUE(nack);
  ASSERT_EQ(nack->itemCount(), 3U);
  EXPECT_EQ(nack->item(0), (RtcpNackItem{100, 0xffff}));
  EXPECT_EQ(nack->item(1), (RtcpNackItem{117, 0}));
  EXPECT_EQ(nack->item(2), (RtcpNackItem{50, 0}));
  EXPECT_FALSE(test::built(
      [](std::span<std::uint8_t> out) { return RtcpNack::buildFromLost(out, 7, 8, {}); }));
  EXPECT_FALSE(
      test::built([](std::span<std::uint8_t> out) { return RtcpNack::build(out, 7, 8, {}); }));
}

TEST(RtcpNackTest, RejectsTruncationsPartialItemsAndOtherFormats) {
  // Cut to its first item it is still a valid NACK.
  test::expectTruncationsRejected(kNack, RtcpNack::parse, 4);
  Bytes tcc = kNack;
  tcc[0] = 0x8f;
  EXPECT_FALSE(RtcpNack::parse(*test::onlyPacket(tcc)));
  Bytes payloadFeedback = kNack;
  payloadFeedback[1] = 206;
  EXPECT_FALSE(RtcpNack::parse(*test::onlyPacket(payloadFeedback)));
  Bytes padded = kNack;  // padding that leaves half an item
  padded[0] |= 0x20;
  padded.back() = 2;
  EXPECT_FALSE(RtcpNack::parse(*test::onlyPacket(padded)));
}

}  // namespace
}  // namespace chorus::media
