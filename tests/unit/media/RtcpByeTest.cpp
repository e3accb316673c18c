#include <array>
#include <string>

#include <gtest/gtest.h>

#include "RtcpTestPackets.h"
#include "media/wire/RtcpBye.h"

namespace chorus::media {
namespace {

using test::Bytes;

// Encoded by hand from the RFC 3550 §6.6 figure.
const Bytes kBye{
    0x82, 203,  0x00, 0x04,                      // V=2 P=0 SC=2, PT=203, length 4
    0x11, 0x22, 0x33, 0x44,                      // SSRC
    0x55, 0x66, 0x77, 0x88,                      // SSRC
    0x07, 'l',  'e',  'a',  'v', 'i', 'n', 'g',  // reason "leaving"
};

TEST(RtcpByeTest, ReadsSsrcsAndReason) {
  const auto bye = RtcpBye::parse(*test::onlyPacket(kBye));
  ASSERT_TRUE(bye);
  ASSERT_EQ(bye->ssrcCount(), 2U);
  EXPECT_EQ(bye->ssrc(0), 0x11223344U);
  EXPECT_EQ(bye->ssrc(1), 0x55667788U);
  EXPECT_EQ(bye->reason(), "leaving");
}

TEST(RtcpByeTest, BuildsTheSameBytes) {
  constexpr std::array<std::uint32_t, 2> kSsrcs{0x11223344, 0x55667788};
  const auto build = [&](std::span<std::uint8_t> out) {
    return RtcpBye::build(out, kSsrcs, "leaving");
  };
  EXPECT_EQ(test::built(build), kBye);
  test::expectRefusesSmallBuffers(build, kBye.size());
}

TEST(RtcpByeTest, RoundTripsWithoutReasonAndWithLongReasons) {
  constexpr std::array<std::uint32_t, 1> kSsrc{42};
  for (const std::size_t length : {0, 1, 2, 3, 4, 254, 255}) {
    const std::string reason(length, 'r');
    const auto bytes = test::built(
        [&](std::span<std::uint8_t> out) { return RtcpBye::build(out, kSsrc, reason); });
    ASSERT_TRUE(bytes);
    const auto bye = RtcpBye::parse(*test::onlyPacket(*bytes));
    ASSERT_TRUE(bye);
    EXPECT_EQ(bye->ssrcCount(), 1U);
    EXPECT_EQ(bye->ssrc(0), 42U);
    EXPECT_EQ(bye->reason(), reason);
  }
  EXPECT_FALSE(test::built([&](std::span<std::uint8_t> out) {
    return RtcpBye::build(out, kSsrc, std::string(256, 'r'));
  }));
}

TEST(RtcpByeTest, RejectsTruncationsAndReasonsPastTheEnd) {
  // Cut to the two SSRCs alone, it is a valid BYE without a reason.
  test::expectTruncationsRejected(kBye, RtcpBye::parse, 3);
  Bytes longReason = kBye;
  longReason[12] = 8;  // one byte more than the body holds
  EXPECT_FALSE(RtcpBye::parse(*test::onlyPacket(longReason)));
}

}  // namespace
}  // namespace chorus::media
