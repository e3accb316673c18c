#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "media/wire/RtpPacketView.h"

namespace chorus::media {
namespace {

using Bytes = std::vector<std::uint8_t>;

// An Opus packet as Chrome sends it with its default audio extmap (1 ssrc-audio-level,
// 2 abs-send-time, 3 transport-wide-cc). Written out by hand from the RFCs, not captured.
const Bytes kChromeOpusPacket{
    0x90, 0x6f,              // V=2 P=0 X=1 CC=0 | M=0 PT=111 (Opus)
    0x1a, 0x2b,              // sequence number 6699
    0x00, 0x01, 0xe2, 0x40,  // timestamp 123456
    0x5e, 0xa1, 0x0c, 0x3d,  // SSRC
    0xbe, 0xde, 0x00, 0x03,  // RFC 8285 one-byte profile, 3 words of elements
    0x10, 0xaa,              // id 1 L=0: RFC 6464 audio level, V=1 level=42 (-42 dBov)
    0x22, 0x3c, 0x9d, 0x71,  // id 2 L=2: abs-send-time, 24-bit 6.18 fixed point seconds
    0x31, 0x04, 0xd2,        // id 3 L=1: transport-wide sequence number 1234
    0x00, 0x00, 0x00,        // padding to the word boundary
    0x78, 0x0b, 0xe4, 0xc1, 0x36, 0xec, 0xc5, 0x80,  // Opus: TOC 0x78 (hybrid FB 20 ms), frame
};
constexpr std::size_t kChromeOpusHeaderSize = 28;

std::optional<RtpPacketView> parse(Bytes& bytes) {
  return RtpPacketView::parse(bytes);
}

Bytes valueOf(const std::optional<RtpExtension>& extension) {
  return extension ? Bytes(extension->value.begin(), extension->value.end()) : Bytes{};
}

std::array<std::uint8_t, 256> identityMap() {
  std::array<std::uint8_t, 256> map{};
  for (std::size_t id = 0; id < map.size(); ++id) {
    map[id] = static_cast<std::uint8_t>(id);
  }
  return map;
}

TEST(RtpPacketViewTest, ReadsChromeOpusPacket) {
  Bytes packet = kChromeOpusPacket;
  const auto view = parse(packet);
  ASSERT_TRUE(view);
  EXPECT_FALSE(view->marker());
  EXPECT_FALSE(view->hasPadding());
  EXPECT_EQ(view->payloadType(), 111);
  EXPECT_EQ(view->sequenceNumber(), 6699);
  EXPECT_EQ(view->timestamp(), 123456U);
  EXPECT_EQ(view->ssrc(), 0x5ea10c3dU);
  EXPECT_EQ(view->csrcCount(), 0U);
  EXPECT_EQ(view->extensionFormat(), RtpExtensionFormat::kOneByte);
  EXPECT_EQ(view->extensionProfile(), 0xbede);
  EXPECT_EQ(view->headerSize(), kChromeOpusHeaderSize);
  EXPECT_EQ(view->paddingSize(), 0U);
  EXPECT_EQ(view->payload().size(), 8U);
  EXPECT_EQ(view->payload()[0], 0x78);
  EXPECT_EQ(valueOf(view->findExtension(1)), (Bytes{0xaa}));
  EXPECT_EQ(valueOf(view->findExtension(2)), (Bytes{0x3c, 0x9d, 0x71}));
  EXPECT_EQ(valueOf(view->findExtension(3)), (Bytes{0x04, 0xd2}));
  EXPECT_FALSE(view->findExtension(4));
  EXPECT_FALSE(view->findExtension(0));
}

TEST(RtpPacketViewTest, EveryTruncationOfTheHeaderIsRejected) {
  for (std::size_t size = 0; size < kChromeOpusHeaderSize; ++size) {
    Bytes packet(kChromeOpusPacket.begin(), kChromeOpusPacket.begin() + static_cast<long>(size));
    EXPECT_FALSE(parse(packet)) << size;
  }
  // A header with nothing after it is a packet with an empty payload.
  Bytes headerOnly(kChromeOpusPacket.begin(),
                   kChromeOpusPacket.begin() + static_cast<long>(kChromeOpusHeaderSize));
  ASSERT_TRUE(parse(headerOnly));
  EXPECT_TRUE(parse(headerOnly)->payload().empty());
}

TEST(RtpPacketViewTest, RejectsVersionsOtherThanTwo) {
  for (const std::uint8_t first : {0x10, 0x50, 0xd0}) {
    Bytes packet = kChromeOpusPacket;
    packet[0] = first;
    EXPECT_FALSE(parse(packet)) << int{first};
  }
}

TEST(RtpPacketViewTest, ReadsCsrcsAndRejectsACsrcListPastTheEnd) {
  Bytes packet{0x82, 0x60, 0,    1,    0,    0,    0,    2,    0,   0, 0, 3,  // CC=2, PT=96
               0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0xab};
  const auto view = parse(packet);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->csrcCount(), 2U);
  EXPECT_EQ(view->csrc(0), 0x11223344U);
  EXPECT_EQ(view->csrc(1), 0x55667788U);
  EXPECT_EQ(view->headerSize(), 20U);
  EXPECT_EQ(view->extensionFormat(), RtpExtensionFormat::kNone);
  EXPECT_EQ(view->extensionProfile(), 0);
  packet[0] = 0x86;  // CC=6 needs 36 bytes
  EXPECT_FALSE(parse(packet));
}

TEST(RtpPacketViewTest, RejectsAnExtensionLengthPastTheEnd) {
  Bytes packet = kChromeOpusPacket;
  packet[15] = 6;  // 6 words of elements: 24 bytes, the packet has 20 after the header
  EXPECT_FALSE(parse(packet));
  packet[15] = 5;  // 20 bytes: fits, and swallows the payload
  packet.resize(16 + 20);
  std::fill(packet.begin() + 28, packet.end(), 0);
  const auto view = parse(packet);
  ASSERT_TRUE(view);
  EXPECT_TRUE(view->payload().empty());
}

TEST(RtpPacketViewTest, ValidatesThePaddingCount) {
  Bytes packet = kChromeOpusPacket;
  packet[0] |= 0x20;
  packet.back() = 0;  // RFC 3550 §5.1: the count includes itself, so 0 is invalid
  EXPECT_FALSE(parse(packet));
  packet.back() = 9;  // more than the 8 bytes after the header
  EXPECT_FALSE(parse(packet));
  packet.back() = 8;  // a padding-only packet (as Chrome's bandwidth probes are)
  ASSERT_TRUE(parse(packet));
  EXPECT_TRUE(parse(packet)->payload().empty());
  EXPECT_EQ(parse(packet)->paddingSize(), 8U);
  packet.back() = 3;
  ASSERT_TRUE(parse(packet));
  EXPECT_EQ(parse(packet)->payload().size(), 5U);
}

TEST(RtpPacketViewTest, RewritesLeaveEveryOtherByteAsItWas) {
  Bytes packet = kChromeOpusPacket;
  auto view = parse(packet);
  ASSERT_TRUE(view);
  view->setSsrc(0x01020304);
  view->setSequenceNumber(0xfffe);
  view->setTimestamp(0xa0b0c0d0);
  view->setPayloadType(100);
  view->setMarker(true);
  Bytes expected = kChromeOpusPacket;
  expected[1] = 0x80 | 100;
  expected[2] = 0xff;
  expected[3] = 0xfe;
  expected[4] = 0xa0;
  expected[5] = 0xb0;
  expected[6] = 0xc0;
  expected[7] = 0xd0;
  expected[8] = 0x01;
  expected[9] = 0x02;
  expected[10] = 0x03;
  expected[11] = 0x04;
  EXPECT_EQ(packet, expected);
  auto reparsed = parse(packet);
  ASSERT_TRUE(reparsed);
  EXPECT_EQ(reparsed->ssrc(), 0x01020304U);
  EXPECT_EQ(reparsed->sequenceNumber(), 0xfffe);
  EXPECT_EQ(reparsed->timestamp(), 0xa0b0c0d0U);
  EXPECT_EQ(reparsed->payloadType(), 100);
  EXPECT_TRUE(reparsed->marker());
  reparsed->setMarker(false);
  reparsed->setPayloadType(111);
  EXPECT_EQ(packet[1], 0x6f);
}

TEST(RtpPacketViewTest, RewritesTransportSequenceNumberInPlace) {
  Bytes packet = kChromeOpusPacket;
  const auto view = parse(packet);
  ASSERT_TRUE(view);
  const auto transportCc = view->findExtension(3);
  ASSERT_TRUE(transportCc);
  transportCc->value[0] = 0xbe;
  transportCc->value[1] = 0xef;
  Bytes expected = kChromeOpusPacket;
  expected[23] = 0xbe;
  expected[24] = 0xef;
  EXPECT_EQ(packet, expected);
}

// RFC 8285 §4.2's one-byte example: elements of 1, 2 and 4 bytes with two padding bytes
// between the second and the third.
Bytes rfc8285OneByteExample() {
  return Bytes{
      0x80, 0x60, 0,    1,    0,    0, 0, 0, 0, 0, 0, 1,  // X bit set below
      0xbe, 0xde, 0x00, 0x03,                             // length=3
      0x10, 0xa1,                                         // ID=1 L=0, 1 byte
      0x21, 0xb1, 0xb2,                                   // ID=2 L=1, 2 bytes
      0x00, 0x00,                                         // 0 (pad), 0 (pad)
      0x33, 0xc1, 0xc2, 0xc3, 0xc4,                       // ID=3 L=3, 4 bytes
      0xee,                                               // payload
  };
}

TEST(RtpPacketViewTest, ReadsRfc8285OneByteExampleWithPaddingBetweenElements) {
  Bytes packet = rfc8285OneByteExample();
  packet[0] |= 0x10;
  const auto view = parse(packet);
  ASSERT_TRUE(view);
  EXPECT_EQ(valueOf(view->findExtension(1)), (Bytes{0xa1}));
  EXPECT_EQ(valueOf(view->findExtension(2)), (Bytes{0xb1, 0xb2}));
  EXPECT_EQ(valueOf(view->findExtension(3)), (Bytes{0xc1, 0xc2, 0xc3, 0xc4}));
  std::vector<std::uint8_t> ids;
  for (auto cursor = view->extensions(); auto extension = cursor.next();) {
    ids.push_back(extension->id);
  }
  EXPECT_EQ(ids, (std::vector<std::uint8_t>{1, 2, 3}));
  EXPECT_EQ(view->payload().size(), 1U);
}

// RFC 8285 §4.3's two-byte example: elements of 0, 1 and 4 bytes with one padding byte.
Bytes rfc8285TwoByteExample() {
  return Bytes{
      0x90, 0x60, 0,    1,    0,    0,    0, 0, 0, 0, 0, 1,  //
      0x10, 0x00, 0x00, 0x03,                                // 0x100 + appbits 0, length=3
      0x07, 0x00,                                            // ID=7 L=0
      0xc8, 0x01, 0xd1,                                      // ID=200 L=1
      0x00,                                                  // 0 (pad)
      0x21, 0x04, 0xe1, 0xe2, 0xe3, 0xe4,                    // ID=33 L=4
      0xee,                                                  // payload
  };
}

TEST(RtpPacketViewTest, ReadsRfc8285TwoByteExampleWithPaddingBetweenElements) {
  Bytes packet = rfc8285TwoByteExample();
  const auto view = parse(packet);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->extensionFormat(), RtpExtensionFormat::kTwoByte);
  const auto empty = view->findExtension(7);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->value.empty());
  EXPECT_EQ(valueOf(view->findExtension(200)), (Bytes{0xd1}));
  EXPECT_EQ(valueOf(view->findExtension(33)), (Bytes{0xe1, 0xe2, 0xe3, 0xe4}));
  EXPECT_FALSE(view->findExtension(0));
  packet[13] = 0x0f;  // application bits do not change the form
  EXPECT_EQ(parse(packet)->extensionFormat(), RtpExtensionFormat::kTwoByte);
}

TEST(RtpPacketViewTest, OneByteIdFifteenEndsTheElements) {
  Bytes packet = rfc8285OneByteExample();
  packet[0] |= 0x10;
  packet[21] = 0xf5;  // RFC 8285 §4.2: stop here, ignoring its length and what follows
  packet[22] = 0xff;
  const auto view = parse(packet);
  ASSERT_TRUE(view);
  EXPECT_TRUE(view->findExtension(2));
  EXPECT_FALSE(view->findExtension(3));
}

TEST(RtpPacketViewTest, RejectsElementsThatOverrunTheirBlock) {
  Bytes oneByte = rfc8285OneByteExample();
  oneByte[0] |= 0x10;
  oneByte[23] = 0x34;  // ID=3 L=4: 5 bytes of value, 4 left
  EXPECT_FALSE(parse(oneByte));
  oneByte[23] = 0x33;
  oneByte[21] = 0x02;  // id 0 with a length: neither padding nor an element
  EXPECT_FALSE(parse(oneByte));

  Bytes twoByte = rfc8285TwoByteExample();
  twoByte[23] = 0x05;  // L=5, 4 left
  EXPECT_FALSE(parse(twoByte));
  twoByte[23] = 0x04;
  twoByte[22] = 0x00;  // the last element now starts at the final byte, without its length
  twoByte[23] = 0x00;
  twoByte[24] = 0x00;
  twoByte[25] = 0x00;
  twoByte[26] = 0x00;
  twoByte[27] = 0x21;
  EXPECT_FALSE(parse(twoByte));
}

TEST(RtpPacketViewTest, OtherExtensionProfilesAreOpaque) {
  Bytes packet = rfc8285TwoByteExample();
  packet[12] = 0xab;
  packet[13] = 0xcd;
  auto view = parse(packet);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->extensionFormat(), RtpExtensionFormat::kOther);
  EXPECT_EQ(view->extensionProfile(), 0xabcd);
  EXPECT_FALSE(view->findExtension(7));
  EXPECT_EQ(view->remapExtensionIds(identityMap()), 0U);
  EXPECT_EQ(view->headerSize(), 28U);
}

TEST(RtpPacketViewTest, RemapsOneByteIdsAndErasesUnmappedOnes) {
  Bytes packet = kChromeOpusPacket;
  auto view = parse(packet);
  ASSERT_TRUE(view);
  auto map = identityMap();
  map[1] = 5;   // audio level: subscriber negotiated id 5
  map[2] = 0;   // abs-send-time: not negotiated
  map[3] = 15;  // cannot be carried in the one-byte form
  EXPECT_EQ(view->remapExtensionIds(map), 2U);
  Bytes expected = kChromeOpusPacket;
  expected[16] = 0x50;
  std::fill(expected.begin() + 18, expected.begin() + 25, 0);
  EXPECT_EQ(packet, expected);
  const auto reparsed = parse(packet);
  ASSERT_TRUE(reparsed);
  EXPECT_EQ(valueOf(reparsed->findExtension(5)), (Bytes{0xaa}));
  EXPECT_FALSE(reparsed->findExtension(1));
  EXPECT_FALSE(reparsed->findExtension(2));
  EXPECT_FALSE(reparsed->findExtension(3));
}

TEST(RtpPacketViewTest, RemapsTwoByteIdsAcrossTheFullRange) {
  Bytes packet = rfc8285TwoByteExample();
  auto view = parse(packet);
  ASSERT_TRUE(view);
  auto map = identityMap();
  map[7] = 255;
  map[200] = 0;
  map[33] = 14;
  EXPECT_EQ(view->remapExtensionIds(map), 1U);
  Bytes expected = rfc8285TwoByteExample();
  expected[16] = 255;
  expected[18] = 0;
  expected[19] = 0;
  expected[20] = 0;
  expected[22] = 14;
  EXPECT_EQ(packet, expected);
  const auto reparsed = parse(packet);
  ASSERT_TRUE(reparsed);
  EXPECT_TRUE(reparsed->findExtension(255));
  EXPECT_EQ(valueOf(reparsed->findExtension(14)), (Bytes{0xe1, 0xe2, 0xe3, 0xe4}));
  EXPECT_FALSE(reparsed->findExtension(200));
}

TEST(RtpPacketViewTest, IdentityRemapChangesNothing) {
  Bytes packet = rfc8285OneByteExample();
  packet[0] |= 0x10;
  const Bytes original = packet;
  EXPECT_EQ(parse(packet)->remapExtensionIds(identityMap()), 0U);
  EXPECT_EQ(packet, original);
}

}  // namespace
}  // namespace chorus::media
