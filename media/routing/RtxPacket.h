#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "media/wire/RtpPacketView.h"

namespace chorus::media {

// The RTX payload format (RFC 4588 §4): a retransmission travels in its own stream (its own
// SSRC, payload type and sequence numbers) and carries the original sequence number (OSN) in
// front of the original payload:
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   |                  RTP header (the original's, renumbered)      |
//   |            OSN                |                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
//   |                  original RTP packet payload                  |
//
// The header keeps the original's timestamp, marker, CSRCs and extensions (RFC 4588 §4: "the
// same as the original"); the caller sets the RTX SSRC, payload type and sequence number.
class RtxPacket {
 public:
  static constexpr std::size_t kOsnSize = 2;

  // Writes the RTX form of `original` into `out`: its header, `originalSequence` and its payload,
  // without its padding (the padding bit cleared: RFC 4588 §4 lets the RTX packet pad itself).
  // The size written, or nothing if it does not fit.
  static std::optional<std::size_t> wrap(const RtpPacketView& original,
                                         std::uint16_t originalSequence,
                                         std::span<std::uint8_t> out) noexcept;

  // Turns the RTX packet `rtx` back into the original, in place (RFC 4588 §4): the OSN becomes
  // the sequence number, the payload moves up over it, and the SSRC and payload type become the
  // original stream's. The original's size (the buffer's first bytes), or nothing when the
  // payload is shorter than an OSN: a padding-only packet (RFC 4588 §8.1: browsers probe
  // bandwidth with them), with nothing to recover.
  static std::optional<std::size_t> unwrap(RtpPacketView& rtx, std::uint32_t originalSsrc,
                                           std::uint8_t originalPayloadType) noexcept;
};

}  // namespace chorus::media
