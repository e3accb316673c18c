#include <array>

#include <gtest/gtest.h>

#include "RtcpTestPackets.h"
#include "media/wire/RtcpApp.h"

namespace chorus::media {
namespace {

using test::Bytes;

// Encoded by hand from the RFC 3550 §6.7 figure.
const Bytes kApp{
    0x85, 204,  0x00, 0x03,  // V=2 P=0 subtype=5, PT=204, length 3
    0xde, 0xad, 0xbe, 0xef,  // SSRC
    'C',  'H',  'R',  'S',   // name
    0x01, 0x02, 0x03, 0x04,  // application data
};

TEST(RtcpAppTest, ReadsEveryField) {
  const auto app = RtcpApp::parse(*test::onlyPacket(kApp));
  ASSERT_TRUE(app);
  EXPECT_EQ(app->subtype(), 5);
  EXPECT_EQ(app->ssrc(), 0xdeadbeefU);
  EXPECT_EQ(app->name(), "CHRS");
  EXPECT_EQ(Bytes(app->data().begin(), app->data().end()), (Bytes{1, 2, 3, 4}));
}

TEST(RtcpAppTest, BuildsTheSameBytes) {
  constexpr std::array<std::uint8_t, 4> kData{1, 2, 3, 4};
  const auto build = [&](std::span<std::uint8_t> out) {
    return RtcpApp::build(out, 5, 0xdeadbeef, "CHRS", kData);
  };
  EXPECT_EQ(test::built(build), kApp);
  test::expectRefusesSmallBuffers(build, kApp.size());
  constexpr std::array<std::uint8_t, 3> kUnaligned{1, 2, 3};
  EXPECT_FALSE(test::built(
      [&](std::span<std::uint8_t> out) { return RtcpApp::build(out, 5, 1, "CHRS", kUnaligned); }));
  EXPECT_FALSE(test::built(
      [&](std::span<std::uint8_t> out) { return RtcpApp::build(out, 32, 1, "CHRS", kData); }));
  EXPECT_FALSE(test::built(
      [&](std::span<std::uint8_t> out) { return RtcpApp::build(out, 1, 1, "CHR", kData); }));
}

TEST(RtcpAppTest, RejectsTruncations) {
  // Without its data it is still a valid APP.
  test::expectTruncationsRejected(kApp, RtcpApp::parse, 3);
}

}  // namespace
}  // namespace chorus::media
