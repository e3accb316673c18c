#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace chorus::bench {

// The header fields of one synthetic packet, and the extensions a browser puts on it.
struct RtpHeaderFields {
  std::uint8_t payloadType = 0;
  bool marker = false;
  std::uint16_t sequenceNumber = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::chrono::nanoseconds sendTime{};     // steady clock: becomes abs-send-time
  std::uint16_t transportSequence = 0;     // transport-wide-cc
  std::optional<std::uint8_t> audioLevel;  // RFC 6464: -dBov, with the voice bit set
  std::string_view mid;                    // sdes:mid
};

// Writes an RTP fixed header (RFC 3550 §5.1) with one RFC 8285 §4.2 one-byte extension block
// holding abs-send-time, transport-wide-cc, mid and (for audio) the audio level, at the ids of
// BrowserSdp's offer. Returns the header's size: the payload starts there.
class RtpHeaderWriter {
 public:
  // Room the header needs at most.
  static constexpr std::size_t kMaxSize = 48;
  static std::size_t write(std::span<std::uint8_t> packet, const RtpHeaderFields& fields) noexcept;

  // abs-send-time (webrtc.org's rtp-hdrext/abs-send-time): seconds in 6.18 fixed point, 24
  // bits, so it wraps every 64 s; a receiver takes the difference modulo 2^24.
  static std::uint32_t absSendTime(std::chrono::nanoseconds time) noexcept;
  // The one-way delay from an abs-send-time to `now`, within one 64 s wrap.
  static std::chrono::nanoseconds delaySince(std::uint32_t absSendTime,
                                             std::chrono::nanoseconds now) noexcept;
};

}  // namespace chorus::bench
