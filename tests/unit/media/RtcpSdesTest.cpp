#include <string>

#include <gtest/gtest.h>

#include "RtcpTestPackets.h"
#include "media/wire/RtcpSdes.h"

namespace chorus::media {
namespace {

using test::Bytes;

// Two chunks, encoded by hand from the RFC 3550 §6.5 figure: the first with a CNAME of 16
// bytes (a browser's random CNAME) so its null item needs 2 more bytes of padding, the second
// with a NAME item before its CNAME.
const Bytes kSdes{
    0x82, 202,  0x00, 0x0b,                      // V=2 P=0 SC=2, PT=202, length 11
    0x00, 0x00, 0x00, 0x01,                      // chunk 1: SSRC
    0x01, 0x10,                                  // CNAME, 16 bytes
    'o',  'B',  '9',  'x',  'F', '2', 'k', 'L',  //
    'p',  'Q',  '7',  'w',  'Z', 'c', 'R', '4',  //
    0x00, 0x00,                                  // END, pad to 32 bits
    0x00, 0x00, 0x00, 0x02,                      // chunk 2: SSRC
    0x02, 0x03, 'B',  'o',  'b',                 // NAME "Bob"
    0x01, 0x06, 'b',  '@',  'h', 'o', 's', 't',  // CNAME "b@host"
    0x00, 0x00, 0x00,                            // END, pad to 32 bits
};

TEST(RtcpSdesTest, ReadsEachChunksCname) {
  const auto sdes = RtcpSdes::parse(*test::onlyPacket(kSdes));
  ASSERT_TRUE(sdes);
  EXPECT_EQ(sdes->chunkCount(), 2U);
  auto chunks = sdes->chunks();
  const auto first = chunks.next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->ssrc, 1U);
  EXPECT_EQ(first->cname, "oB9xF2kLpQ7wZcR4");
  const auto second = chunks.next();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->ssrc, 2U);
  EXPECT_EQ(second->cname, "b@host");
  EXPECT_FALSE(chunks.next());
}

TEST(RtcpSdesTest, BuildsCnameChunksWithTheRightPadding) {
  // 4 header + 4 SSRC + 2 item header + n + 1 null, rounded up to 4.
  for (std::size_t length = 0; length <= 255; ++length) {
    const std::string cname(length, 'x');
    const auto build = [&](std::span<std::uint8_t> out) {
      return RtcpSdes::buildCname(out, 0x01020304, cname);
    };
    const auto bytes = test::built(build);
    ASSERT_TRUE(bytes);
    EXPECT_EQ(bytes->size(), (11 + length + 3) / 4 * 4);
    const auto sdes = RtcpSdes::parse(*test::onlyPacket(*bytes));
    ASSERT_TRUE(sdes) << length;
    auto chunks = sdes->chunks();
    const auto chunk = chunks.next();
    ASSERT_TRUE(chunk);
    EXPECT_EQ(chunk->ssrc, 0x01020304U);
    EXPECT_EQ(chunk->cname, cname);
  }
  EXPECT_FALSE(test::built([](std::span<std::uint8_t> out) {
    return RtcpSdes::buildCname(out, 1, std::string(256, 'x'));
  }));
}

TEST(RtcpSdesTest, BuildsTheSameBytesAsTheFirstChunkByHand) {
  const auto bytes = test::built(
      [](std::span<std::uint8_t> out) { return RtcpSdes::buildCname(out, 1, "oB9xF2kLpQ7wZcR4"); });
  Bytes expected(kSdes.begin(), kSdes.begin() + 28);
  expected[0] = 0x81;
  expected[3] = 6;
  EXPECT_EQ(bytes, expected);
  test::expectRefusesSmallBuffers(
      [](std::span<std::uint8_t> out) { return RtcpSdes::buildCname(out, 1, "oB9xF2kLpQ7wZcR4"); },
      expected.size());
}

TEST(RtcpSdesTest, RejectsTruncationsMissingNullItemsAndUncoveredBytes) {
  test::expectTruncationsRejected(kSdes, RtcpSdes::parse);
  Bytes noEnd = kSdes;  // the second chunk's items run to the end without a null item
  noEnd[45] = 0x03;     // a PHONE item of 1 byte where the END item was
  noEnd[46] = 0x01;
  EXPECT_FALSE(RtcpSdes::parse(*test::onlyPacket(noEnd)));
  Bytes oneChunk = kSdes;  // SC=1 leaves the second chunk's bytes unaccounted for
  oneChunk[0] = 0x81;
  EXPECT_FALSE(RtcpSdes::parse(*test::onlyPacket(oneChunk)));
  const Bytes empty{0x80, 202, 0x00, 0x00};
  const auto sdes = RtcpSdes::parse(*test::onlyPacket(empty));
  ASSERT_TRUE(sdes);
  EXPECT_FALSE(sdes->chunks().next());
}

}  // namespace
}  // namespace chorus::media
