#pragma once

#include <array>
#include <cstdint>

#include "media/security/SrtpProfile.h"

namespace chorus::media {

// Which packets a set of session keys protects: RFC 3711 §4.3.2 gives SRTP and SRTCP their own
// labels, so their keys differ even though they come from one master key.
enum class SrtpKeyUse : std::uint8_t { kRtp, kRtcp };

inline constexpr std::size_t kSrtpAuthKeyBytes = 20;  // HMAC-SHA1 key, RFC 3711 §8.2

// The session keys of one use of one direction. Only the first sizesOf(profile) bytes of the key
// and salt are meaningful; the auth key only for AES_CM_128_HMAC_SHA1_80 (GCM authenticates
// with its own tag, RFC 7714 §11).
struct SrtpSessionKeys {
  std::array<std::uint8_t, kMaxSrtpKeyBytes> encryptionKey{};
  std::array<std::uint8_t, kMaxSrtpSaltBytes> salt{};
  std::array<std::uint8_t, kSrtpAuthKeyBytes> authKey{};
};

// RFC 3711 §4.3.1 with a key derivation rate of 0 (as DTLS-SRTP uses): each session key is the
// AES-CM keystream under the master key with IV = (master salt XOR label << 48) << 16. RFC 7714
// §11 uses the same PRF for GCM, with its 96-bit master salt padded with zeros to 112 bits and
// AES-256 for a 256-bit master key. Runs at session set-up, not per packet.
SrtpSessionKeys deriveSessionKeys(SrtpProfile profile, const SrtpMasterKey& master, SrtpKeyUse use);

}  // namespace chorus::media
