#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace chorus::media {

// What a datagram arriving on a shard's shared UDP port is, decided from its first bytes
// (RFC 7983 §7, with RFC 5761 §4 to tell RTCP from RTP). One port carries every protocol of
// every transport on the shard, so this is the first decision on the packet path.
enum class PacketKind : std::uint8_t {
  kStun,
  kDtls,
  kRtp,
  kRtcp,
  kUnknown,  // ZRTP, TURN channel data (we are no TURN server), empty or garbage
};

PacketKind classifyPacket(std::span<const std::uint8_t> datagram) noexcept;

std::string_view toString(PacketKind kind) noexcept;

}  // namespace chorus::media
