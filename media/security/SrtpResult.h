#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace chorus::media {

// Why SRTP refused a packet. Every drop has one, and SrtpContext counts them per reason.
enum class SrtpError : std::uint8_t {
  kNone,
  kBufferTooSmall,        // length > buffer, or no room left for the tag and trailer
  kTooShort,              // shorter than its RTP/RTCP header, or than header + tag + trailer
  kSsrcTableFull,         // a new SSRC, and the fixed per-SSRC table is full
  kReplayed,              // RFC 3711 §3.3.2: this index was already received
  kTooOld,                // RFC 3711 §3.3.2: the index is behind the replay window
  kAuthenticationFailed,  // wrong tag: forged, corrupted, or the wrong key
  kUnencryptedRtcp,       // SRTCP with the E flag clear (RFC 3711 §3.4); we never send those
  kIndexExhausted,        // RFC 3711 §3.4: 2^31 SRTCP packets sent, the keys must change
  kCryptoFailure,         // OpenSSL itself failed (never expected)
};

inline constexpr std::size_t kSrtpErrorCount = 10;

constexpr std::string_view toString(SrtpError error) noexcept {
  switch (error) {
    case SrtpError::kNone:
      return "none";
    case SrtpError::kBufferTooSmall:
      return "buffer_too_small";
    case SrtpError::kTooShort:
      return "too_short";
    case SrtpError::kSsrcTableFull:
      return "ssrc_table_full";
    case SrtpError::kReplayed:
      return "replayed";
    case SrtpError::kTooOld:
      return "too_old";
    case SrtpError::kAuthenticationFailed:
      return "authentication_failed";
    case SrtpError::kUnencryptedRtcp:
      return "unencrypted_rtcp";
    case SrtpError::kIndexExhausted:
      return "index_exhausted";
    case SrtpError::kCryptoFailure:
      return "crypto_failure";
  }
  return "unknown";
}

// The outcome of protecting or unprotecting one packet in place: the packet's new length, or
// why it was refused (then the buffer's bytes are unspecified and the packet must be dropped).
struct SrtpResult {
  std::size_t length = 0;
  SrtpError error = SrtpError::kNone;

  bool ok() const noexcept { return error == SrtpError::kNone; }
};

}  // namespace chorus::media
