#include <array>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "media/wire/PacketKind.h"

namespace chorus::media {
namespace {

std::vector<std::uint8_t> datagram(std::uint8_t first, std::uint8_t second, std::size_t size) {
  std::vector<std::uint8_t> bytes(size, 0);
  bytes.at(0) = first;
  bytes.at(1) = second;
  return bytes;
}

// The first 20 bytes of the RFC 5769 §2.1 sample request: a STUN Binding request.
constexpr std::array<std::uint8_t, 20> kStunBindingRequest{0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4,
                                                           0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                                                           0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

TEST(PacketKindTest, StunBindingRequestIsStun) {
  EXPECT_EQ(classifyPacket(kStunBindingRequest), PacketKind::kStun);
}

TEST(PacketKindTest, DtlsHandshakeRecordIsDtls) {
  // Content type 22 (handshake), version DTLS 1.2 (0xfefd).
  EXPECT_EQ(classifyPacket(datagram(22, 0xfe, 13)), PacketKind::kDtls);
  EXPECT_EQ(classifyPacket(datagram(20, 0xfe, 13)), PacketKind::kDtls);
  EXPECT_EQ(classifyPacket(datagram(63, 0xfe, 13)), PacketKind::kDtls);
}

TEST(PacketKindTest, RtpVersion2WithMediaPayloadTypeIsRtp) {
  EXPECT_EQ(classifyPacket(datagram(0x80, 111, 12)), PacketKind::kRtp);        // Opus
  EXPECT_EQ(classifyPacket(datagram(0x90, 0x80 | 96, 12)), PacketKind::kRtp);  // marker, VP8
}

TEST(PacketKindTest, RtcpPacketTypesAreRtcpNotRtp) {
  for (const std::uint8_t type : {200, 201, 202, 203, 204, 205, 206}) {
    EXPECT_EQ(classifyPacket(datagram(0x81, type, 8)), PacketKind::kRtcp) << int{type};
  }
}

TEST(PacketKindTest, ZrtpTurnChannelAndOutOfRangeBytesAreUnknown) {
  EXPECT_EQ(classifyPacket(datagram(16, 0, 40)), PacketKind::kUnknown);  // ZRTP
  EXPECT_EQ(classifyPacket(datagram(64, 0, 40)), PacketKind::kUnknown);  // TURN channel
  EXPECT_EQ(classifyPacket(datagram(200, 0, 40)), PacketKind::kUnknown);
  EXPECT_EQ(classifyPacket(datagram(4, 0, 40)), PacketKind::kUnknown);
}

TEST(PacketKindTest, DatagramsTooShortForTheirProtocolAreUnknown) {
  EXPECT_EQ(classifyPacket({}), PacketKind::kUnknown);
  EXPECT_EQ(classifyPacket(std::span(kStunBindingRequest).first(19)), PacketKind::kUnknown);
  EXPECT_EQ(classifyPacket(datagram(22, 0xfe, 12)), PacketKind::kUnknown);
  EXPECT_EQ(classifyPacket(datagram(0x80, 111, 11)), PacketKind::kUnknown);
  EXPECT_EQ(classifyPacket(datagram(0x81, 200, 3)), PacketKind::kUnknown);
  const std::array<std::uint8_t, 1> oneByte{0x80};
  EXPECT_EQ(classifyPacket(oneByte), PacketKind::kUnknown);
}

TEST(PacketKindTest, EveryKindHasAMetricLabel) {
  EXPECT_EQ(toString(PacketKind::kStun), "stun");
  EXPECT_EQ(toString(PacketKind::kDtls), "dtls");
  EXPECT_EQ(toString(PacketKind::kRtp), "rtp");
  EXPECT_EQ(toString(PacketKind::kRtcp), "rtcp");
  EXPECT_EQ(toString(PacketKind::kUnknown), "unknown");
}

}  // namespace
}  // namespace chorus::media
