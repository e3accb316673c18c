#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace chorus::media {

// RFC 4571 framing of RTP, RTCP, STUN and DTLS over a TCP stream (ICE-TCP, RFC 6544 §3):
// every packet is preceded by its length as a 16-bit big-endian number.
//
//    0                   1                   2                   3
//   +---------------+---------------+---------------+---------------+
//   |            LENGTH             |  packet (LENGTH bytes) ...    |
//   +---------------+---------------+---------------+---------------+
//
// The framer collects bytes as they arrive, in any split, and hands out whole packets. Its
// buffer is fixed, so a connection costs the same memory whatever its peer sends.
class StreamFramer {
 public:
  // The largest frame accepted: a WebRTC packet never comes near the 16-bit limit, and a peer
  // announcing more is misbehaving.
  static constexpr std::size_t kMaxFrame = 2048;

  // Where the next bytes read from the socket go; never empty unless a frame is waiting.
  std::span<std::uint8_t> writable();
  // `count` bytes were written into writable().
  void commit(std::size_t count);

  // The next complete frame, valid until the next call to any method; nothing if incomplete.
  std::optional<std::span<const std::uint8_t>> nextFrame();

  // True once a frame announced more than kMaxFrame bytes (or zero): the stream cannot be
  // resynchronised, so the owner closes the connection.
  bool failed() const { return failed_; }

 private:
  void compact();

  std::array<std::uint8_t, 2 + kMaxFrame> buffer_{};
  std::size_t begin_ = 0;  // first unconsumed byte
  std::size_t end_ = 0;    // one past the last received byte
  bool failed_ = false;
};

// Writes the RFC 4571 length prefix for a `size`-byte packet into `out[0..1]`.
void writeFrameLength(std::span<std::uint8_t, 2> out, std::size_t size);

}  // namespace chorus::media
