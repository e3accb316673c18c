#pragma once

// Packets and keys shared by the SRTP tests, fuzz target and benchmark.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "media/security/SrtpProfile.h"
#include "media/wire/ByteOrder.h"

namespace chorus::media::testing {

// Room enough after a packet for any profile's tag and SRTCP trailer.
inline constexpr std::size_t kSrtpRoom = 32;

inline std::vector<std::uint8_t> fromHex(std::string_view hex) {
  std::vector<std::uint8_t> bytes;
  const auto nibble = [](char c) {
    return static_cast<std::uint8_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  };
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<std::uint8_t>((nibble(hex[i]) << 4) | nibble(hex[i + 1])));
  }
  return bytes;
}

// An RTP packet (RFC 3550 §5.1): V=2, payload type 96, optional CSRCs and a one-byte-header
// extension (RFC 8285) of one word, payload bytes counting up from `seq`.
inline std::vector<std::uint8_t> rtpPacket(std::uint32_t ssrc, std::uint16_t seq,
                                           std::size_t payloadBytes, std::size_t csrcs = 0,
                                           bool extension = false) {
  std::vector<std::uint8_t> packet(12 + 4 * csrcs + (extension ? 8 : 0) + payloadBytes);
  packet[0] = static_cast<std::uint8_t>(0x80 | (extension ? 0x10 : 0) | csrcs);
  packet[1] = 96;
  storeBe16(packet, 2, seq);
  storeBe32(packet, 4, 0x10000U + seq * 960U);
  storeBe32(packet, 8, ssrc);
  std::size_t at = 12;
  for (std::size_t i = 0; i < csrcs; ++i, at += 4) {
    storeBe32(packet, at, 0xc5c00000U + static_cast<std::uint32_t>(i));
  }
  if (extension) {
    storeBe16(packet, at, 0xbede);
    storeBe16(packet, at + 2, 1);
    storeBe32(packet, at + 4, 0x10ff0000U);
    at += 8;
  }
  for (std::size_t i = 0; at < packet.size(); ++at, ++i) {
    packet[at] = static_cast<std::uint8_t>(seq + i);
  }
  return packet;
}

// An RTCP receiver report (RFC 3550 §6.4.2) with one report block: 32 bytes.
inline std::vector<std::uint8_t> rtcpReceiverReport(std::uint32_t ssrc, std::uint32_t media) {
  std::vector<std::uint8_t> packet(32);
  packet[0] = 0x81;
  packet[1] = 201;
  storeBe16(packet, 2, 7);
  storeBe32(packet, 4, ssrc);
  storeBe32(packet, 8, media);
  storeBe32(packet, 12, 0x0100002a);
  storeBe32(packet, 16, 0x0001e240);
  return packet;
}

inline std::vector<std::uint8_t> withRoom(std::vector<std::uint8_t> packet) {
  packet.resize(packet.size() + kSrtpRoom);
  return packet;
}

// A master key and salt with recognisable bytes, different per seed.
inline SrtpMasterKey testMasterKey(std::uint8_t seed) {
  SrtpMasterKey master;
  for (std::size_t i = 0; i < master.key.size(); ++i) {
    master.key[i] = static_cast<std::uint8_t>(std::size_t{seed} * 31 + i);
  }
  for (std::size_t i = 0; i < master.salt.size(); ++i) {
    master.salt[i] = static_cast<std::uint8_t>(std::size_t{seed} * 17 + 0x80 + i);
  }
  return master;
}

inline constexpr std::array<SrtpProfile, 3> kAllSrtpProfiles{
    SrtpProfile::kAes128CmSha1Tag80, SrtpProfile::kAeadAes128Gcm, SrtpProfile::kAeadAes256Gcm};

}  // namespace chorus::media::testing
