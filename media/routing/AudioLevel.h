#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace chorus::media {

// RFC 6464 §3: the client-to-mixer audio level a sender puts on each audio packet, as the value
// of a one-byte (or two-byte) header extension element (RFC 8285):
//
//    0 1 2 3 4 5 6 7
//   +-+-+-+-+-+-+-+-+
//   |V|    level    |
//   +-+-+-+-+-+-+-+-+
struct AudioLevel {
  // V: the sender's voice activity detector says this packet holds speech (meaningful only when
  // the extension was negotiated with vad=on, RFC 6464 §4).
  bool voiceActivity;
  // The level in -dBov, 0 (loudest) to 127; 127 means silence.
  std::uint8_t level;
};

// The level carried by one extension element's value, or nothing unless the value is exactly
// the one byte RFC 6464 §3 defines (a longer value is another extension under a wrong id).
std::optional<AudioLevel> parseAudioLevel(std::span<const std::uint8_t> value) noexcept;

}  // namespace chorus::media
