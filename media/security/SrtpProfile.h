#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace chorus::media {

// The SRTP protection profiles Chorus negotiates in DTLS use_srtp (RFC 5764 §4.1.2, RFC 7714
// §14.2). The numeric values are the IANA "DTLS-SRTP Protection Profiles" code points.
enum class SrtpProfile : std::uint16_t {
  kAes128CmSha1Tag80 = 0x0001,  // SRTP_AES128_CM_HMAC_SHA1_80
  kAeadAes128Gcm = 0x0007,      // SRTP_AEAD_AES_128_GCM
  kAeadAes256Gcm = 0x0008,      // SRTP_AEAD_AES_256_GCM
};

// Master key and salt lengths in bytes (RFC 3711 §8.2, RFC 7714 §12).
struct SrtpProfileSizes {
  std::size_t keyBytes;
  std::size_t saltBytes;
};

constexpr SrtpProfileSizes sizesOf(SrtpProfile profile) noexcept {
  switch (profile) {
    case SrtpProfile::kAes128CmSha1Tag80:
      return {16, 14};
    case SrtpProfile::kAeadAes128Gcm:
      return {16, 12};
    case SrtpProfile::kAeadAes256Gcm:
      return {32, 12};
  }
  return {0, 0};
}

// The OpenSSL name of a profile, as SSL_CTX_set_tlsext_use_srtp() takes it.
constexpr std::string_view opensslNameOf(SrtpProfile profile) noexcept {
  switch (profile) {
    case SrtpProfile::kAes128CmSha1Tag80:
      return "SRTP_AES128_CM_SHA1_80";
    case SrtpProfile::kAeadAes128Gcm:
      return "SRTP_AEAD_AES_128_GCM";
    case SrtpProfile::kAeadAes256Gcm:
      return "SRTP_AEAD_AES_256_GCM";
  }
  return "";
}

// The largest key and salt any profile uses, so key material fits in fixed arrays.
inline constexpr std::size_t kMaxSrtpKeyBytes = 32;
inline constexpr std::size_t kMaxSrtpSaltBytes = 14;

// One direction's SRTP master key and salt; only the first sizesOf(profile) bytes are used.
struct SrtpMasterKey {
  std::array<std::uint8_t, kMaxSrtpKeyBytes> key{};
  std::array<std::uint8_t, kMaxSrtpSaltBytes> salt{};
};

// What a finished DTLS-SRTP handshake hands to SRTP: the negotiated profile and the keys for
// what we send (local) and what we receive (remote), per RFC 5764 §4.2.
struct SrtpKeyMaterial {
  SrtpProfile profile = SrtpProfile::kAeadAes128Gcm;
  SrtpMasterKey local;
  SrtpMasterKey remote;
};

}  // namespace chorus::media
