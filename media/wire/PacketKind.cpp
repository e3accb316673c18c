#include "media/wire/PacketKind.h"

namespace chorus::media {
namespace {

// RFC 7983 §7: the first byte's range names the protocol.
//   [0..3] STUN   [16..19] ZRTP   [20..63] DTLS   [64..79] TURN channel   [128..191] RTP/RTCP
constexpr std::uint8_t kStunLast = 3;
constexpr std::uint8_t kDtlsFirst = 20;
constexpr std::uint8_t kDtlsLast = 63;
constexpr std::uint8_t kRtpFirst = 128;
constexpr std::uint8_t kRtpLast = 191;

// RFC 5761 §4: with RTP and RTCP multiplexed, an RTCP packet type (200-206 in practice) read as
// marker bit + payload type lands in 192..223; RTP payload types there are not allowed.
constexpr std::uint8_t kRtcpTypeFirst = 192;
constexpr std::uint8_t kRtcpTypeLast = 223;

// A STUN header is 20 bytes (RFC 8489 §5), an RTP header at least 12 (RFC 3550 §5.1), an RTCP
// packet at least 4 (RFC 3550 §6.4), a DTLS record header 13 (RFC 6347 §4.1). Anything shorter
// cannot be what its first byte claims.
constexpr std::size_t kStunHeaderSize = 20;
constexpr std::size_t kRtpHeaderSize = 12;
constexpr std::size_t kRtcpHeaderSize = 4;
constexpr std::size_t kDtlsRecordHeaderSize = 13;

}  // namespace

PacketKind classifyPacket(std::span<const std::uint8_t> datagram) noexcept {
  if (datagram.empty()) {
    return PacketKind::kUnknown;
  }
  const std::uint8_t first = datagram[0];
  if (first <= kStunLast) {
    return datagram.size() >= kStunHeaderSize ? PacketKind::kStun : PacketKind::kUnknown;
  }
  if (first >= kDtlsFirst && first <= kDtlsLast) {
    return datagram.size() >= kDtlsRecordHeaderSize ? PacketKind::kDtls : PacketKind::kUnknown;
  }
  if (first >= kRtpFirst && first <= kRtpLast && datagram.size() >= kRtcpHeaderSize) {
    const std::uint8_t second = datagram[1];
    if (second >= kRtcpTypeFirst && second <= kRtcpTypeLast) {
      return PacketKind::kRtcp;
    }
    return datagram.size() >= kRtpHeaderSize ? PacketKind::kRtp : PacketKind::kUnknown;
  }
  return PacketKind::kUnknown;
}

std::string_view toString(PacketKind kind) noexcept {
  switch (kind) {
    case PacketKind::kStun:
      return "stun";
    case PacketKind::kDtls:
      return "dtls";
    case PacketKind::kRtp:
      return "rtp";
    case PacketKind::kRtcp:
      return "rtcp";
    case PacketKind::kUnknown:
      return "unknown";
  }
  return "unknown";
}

}  // namespace chorus::media
