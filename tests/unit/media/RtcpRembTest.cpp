#include <array>
#include <limits>

#include <gtest/gtest.h>

#include "RtcpTestPackets.h"
#include "media/wire/RtcpRemb.h"

namespace chorus::media {
namespace {

using test::Bytes;

// Encoded by hand from draft-alvestrand-rmcat-remb-03 §2.2: 1 Mbit/s for two SSRCs.
// 1000000 needs 20 bits, so exponent 2 and mantissa 250000 (0x3d090).
const Bytes kRemb{
    0x8f, 206,  0x00, 0x06,  // V=2 P=0 FMT=15, PT=206 (PSFB), length 6
    0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
    0x00, 0x00, 0x00, 0x00,  // SSRC of media source: 0
    'R',  'E',  'M',  'B',   // unique identifier
    0x02, 0x0b, 0xd0, 0x90,  // Num SSRC 2 | BR Exp 2 (6 bits) | BR Mantissa 0x3d090 (18 bits)
    0x11, 0x11, 0x11, 0x11,  // SSRC feedback
    0x22, 0x22, 0x22, 0x22,  // SSRC feedback
};

constexpr std::array<std::uint32_t, 2> kSsrcs{0x11111111, 0x22222222};

TEST(RtcpRembTest, RoundTrips) {
  const auto remb = RtcpRemb::parse(*test::onlyPacket(kRemb));
  ASSERT_TRUE(remb);
  EXPECT_EQ(remb->senderSsrc(), 1U);
  EXPECT_EQ(remb->bitrateBps(), 1000000U);
  ASSERT_EQ(remb->ssrcCount(), 2U);
  EXPECT_EQ(remb->ssrc(0), kSsrcs[0]);
  EXPECT_EQ(remb->ssrc(1), kSsrcs[1]);
  const auto build = [](std::span<std::uint8_t> out) {
    return RtcpRemb::build(out, 1, 1000000, kSsrcs);
  };
  EXPECT_EQ(test::built(build), kRemb);
  test::expectRefusesSmallBuffers(build, kRemb.size());
}

TEST(RtcpRembTest, EncodesBitratesWithTheSmallestExponentRoundingDown) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  for (const std::uint64_t bitrate :
       {std::uint64_t{0}, std::uint64_t{262143}, std::uint64_t{262144}, std::uint64_t{262145},
        std::uint64_t{30'000'000'000}, kMax}) {
    const auto bytes = test::built(
        [&](std::span<std::uint8_t> out) { return RtcpRemb::build(out, 1, bitrate, {}); });
    ASSERT_TRUE(bytes);
    const auto remb = RtcpRemb::parse(*test::onlyPacket(*bytes));
    ASSERT_TRUE(remb);
    const std::uint64_t decoded = remb->bitrateBps();
    EXPECT_LE(decoded, bitrate);
    // Rounding down loses less than one part in 2^17.
    EXPECT_GE(decoded, bitrate - (bitrate >> 17)) << bitrate;
  }
  const auto exact =
      test::built([&](std::span<std::uint8_t> out) { return RtcpRemb::build(out, 1, 262145, {}); });
  EXPECT_EQ((*exact)[17] >> 2, 1);  // exponent 1, mantissa 131072
}

TEST(RtcpRembTest, RejectsTruncationsWrongIdentifierCountAndOverflow) {
  test::expectTruncationsRejected(kRemb, RtcpRemb::parse);
  Bytes notRemb = kRemb;
  notRemb[15] = 'X';
  EXPECT_FALSE(RtcpRemb::parse(*test::onlyPacket(notRemb)));
  Bytes moreSsrcsClaimed = kRemb;
  moreSsrcsClaimed[16] = 3;
  EXPECT_FALSE(RtcpRemb::parse(*test::onlyPacket(moreSsrcsClaimed)));
  Bytes overflow = kRemb;  // exponent 63 with a mantissa of 2 does not fit in 64 bits
  overflow[17] = 0xfc;
  overflow[18] = 0x00;
  overflow[19] = 0x02;
  EXPECT_FALSE(RtcpRemb::parse(*test::onlyPacket(overflow)));
  overflow[19] = 0x01;  // 2^63 does
  EXPECT_EQ(RtcpRemb::parse(*test::onlyPacket(overflow))->bitrateBps(), 1ULL << 63);
}

}  // namespace
}  // namespace chorus::media
