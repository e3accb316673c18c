#include <array>

#include <gtest/gtest.h>

#include "RtcpTestPackets.h"
#include "media/wire/RtcpFir.h"

namespace chorus::media {
namespace {

using test::Bytes;

// Encoded by hand from RFC 5104 §4.3.1.1: two FCI entries.
const Bytes kFir{
    0x84, 206,  0x00, 0x06,  // V=2 P=0 FMT=4, PT=206 (PSFB), length 6
    0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
    0x00, 0x00, 0x00, 0x00,  // SSRC of media source: unused, 0 (§4.3.1.2)
    0xaa, 0xbb, 0xcc, 0xdd,  // entry 1: SSRC
    0x07, 0x00, 0x00, 0x00,  //          Seq nr. 7, reserved
    0x11, 0x22, 0x33, 0x44,  // entry 2: SSRC
    0xff, 0x00, 0x00, 0x00,  //          Seq nr. 255, reserved
};

const std::array<RtcpFirEntry, 2> kEntries{RtcpFirEntry{0xaabbccdd, 7},
                                           RtcpFirEntry{0x11223344, 255}};

TEST(RtcpFirTest, RoundTrips) {
  const auto fir = RtcpFir::parse(*test::onlyPacket(kFir));
  ASSERT_TRUE(fir);
  EXPECT_EQ(fir->senderSsrc(), 1U);
  ASSERT_EQ(fir->entryCount(), 2U);
  EXPECT_EQ(fir->entry(0), kEntries[0]);
  EXPECT_EQ(fir->entry(1), kEntries[1]);
  const auto build = [](std::span<std::uint8_t> out) { return RtcpFir::build(out, 1, kEntries); };
  EXPECT_EQ(test::built(build), kFir);
  test::expectRefusesSmallBuffers(build, kFir.size());
  EXPECT_FALSE(test::built([](std::span<std::uint8_t> out) { return RtcpFir::build(out, 1, {}); }));
}

TEST(RtcpFirTest, RejectsTruncationsAndPartialEntries) {
  // Cut after its first entry it is still a valid FIR; cut inside an entry it is not.
  test::expectTruncationsRejected(kFir, RtcpFir::parse, 5);
  EXPECT_FALSE(RtcpFir::parse(*test::onlyPacket(test::shortened(kFir, 6))));
}

}  // namespace
}  // namespace chorus::media
