#include <gtest/gtest.h>

#include "RtcpTestPackets.h"
#include "media/wire/RtcpPli.h"

namespace chorus::media {
namespace {

using test::Bytes;

// Encoded by hand from RFC 4585 §6.1 and §6.3.1: no FCI.
const Bytes kPli{
    0x81, 206,  0x00, 0x02,  // V=2 P=0 FMT=1, PT=206 (PSFB), length 2
    0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
    0xca, 0xfe, 0xba, 0xbe,  // SSRC of media source
};

TEST(RtcpPliTest, RoundTrips) {
  const auto pli = RtcpPli::parse(*test::onlyPacket(kPli));
  ASSERT_TRUE(pli);
  EXPECT_EQ(pli->senderSsrc(), 1U);
  EXPECT_EQ(pli->mediaSsrc(), 0xcafebabeU);
  const auto build = [](std::span<std::uint8_t> out) { return RtcpPli::build(out, 1, 0xcafebabe); };
  EXPECT_EQ(test::built(build), kPli);
  test::expectRefusesSmallBuffers(build, kPli.size());
}

TEST(RtcpPliTest, RejectsTruncationsFciAndOtherFormats) {
  test::expectTruncationsRejected(kPli, RtcpPli::parse);
  Bytes withFci = kPli;
  withFci.insert(withFci.end(), {0, 0, 0, 0});
  withFci[3] = 3;
  EXPECT_FALSE(RtcpPli::parse(*test::onlyPacket(withFci)));
  Bytes nack = kPli;
  nack[1] = 205;
  EXPECT_FALSE(RtcpPli::parse(*test::onlyPacket(nack)));
  Bytes sli = kPli;
  sli[0] = 0x82;
  EXPECT_FALSE(RtcpPli::parse(*test::onlyPacket(sli)));
}

}  // namespace
}  // namespace chorus::media
