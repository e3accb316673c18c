#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace chorus::media {

// RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1).
enum class RtcpPacketType : std::uint8_t {
  kSenderReport = 200,
  kReceiverReport = 201,
  kSourceDescription = 202,
  kBye = 203,
  kApp = 204,
  kTransportFeedback = 205,  // RTPFB
  kPayloadFeedback = 206,    // PSFB
};

inline constexpr std::size_t kRtcpHeaderSize = 4;
inline constexpr std::uint8_t kRtcpMaxCount = 31;
// RFC 4585 §6.1: every feedback packet starts with the sender's and the media source's SSRC.
inline constexpr std::size_t kRtcpFeedbackHeaderSize = 8;
// The 16-bit length field counts up to 65536 words.
inline constexpr std::size_t kRtcpMaxPacketSize = std::size_t{4} * 65536;

// One packet of a compound RTCP datagram, its common header checked (RFC 3550 §6.4.1):
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P|  count  |      PT       |     length (words - 1)        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The version is always 2: RtcpCompoundView yields nothing else.
struct RtcpHeader {
  bool padding = false;
  std::uint8_t count = 0;  // RC, SC, subtype or FMT, depending on the packet type
  std::uint8_t packetType = 0;
  std::uint16_t length = 0;              // as on the wire: the packet's 32-bit words minus one
  std::span<const std::uint8_t> packet;  // the whole packet: header, body and padding
  std::span<const std::uint8_t> body;    // after the 4-byte header, without the padding

  bool is(RtcpPacketType type) const noexcept {
    return packetType == static_cast<std::uint8_t>(type);
  }
};

// Whether `header` is a feedback packet of `type` and `fmt` with room for its two SSRCs.
bool isRtcpFeedback(const RtcpHeader& header, RtcpPacketType type, std::uint8_t fmt) noexcept;

// Builders' shared start: writes the common header of a packet of `size` bytes (a multiple of
// 4, at least 4, within `out`) without padding.
void writeRtcpHeader(std::span<std::uint8_t> out, std::uint8_t count, RtcpPacketType type,
                     std::size_t size) noexcept;

// Writes the common header and the two SSRCs of a feedback packet (RFC 4585 §6.1) of `size`
// bytes (a multiple of 4, at least 12, within `out`).
void writeRtcpFeedbackHeader(std::span<std::uint8_t> out, std::uint8_t fmt, RtcpPacketType type,
                             std::size_t size, std::uint32_t senderSsrc,
                             std::uint32_t mediaSsrc) noexcept;

// `size` rounded up to a whole number of 32-bit words.
constexpr std::size_t rtcpPaddedSize(std::size_t size) noexcept {
  return (size + 3) & ~std::size_t{3};
}

}  // namespace chorus::media
