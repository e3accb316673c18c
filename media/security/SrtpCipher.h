#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "media/security/SrtpKeyDerivation.h"
#include "media/security/SrtpProfile.h"

namespace chorus::media {

// The cryptographic transform of one profile under one set of session keys (one direction, RTP
// or RTCP): given the packet index, encrypt and tag, or check and decrypt, in place. It knows
// nothing of SSRC state or replay; SrtpContext estimates indices and calls it.
//
// NOTE: nothing here allocates per packet (tests/unit/media/SrtpAllocationTest.cpp checks it).
// The OpenSSL cipher contexts are keyed once at construction and only get a new IV per packet.
// HMAC-SHA1 is computed from SHA-1 states precomputed over the padded key, because OpenSSL 3.0's
// EVP_MAC and EVP_DigestInit re-create their provider context on every re-initialisation
// (measured: 2 and 1 allocations per packet), whereas copying a SHA_CTX allocates nothing.
class SrtpCipher {
 public:
  SrtpCipher(SrtpProfile profile, const SrtpSessionKeys& keys);

  // Bytes protectRtp/protectRtcp add: the tag, and for RTCP the E flag + SRTCP index word.
  std::size_t rtpOverhead() const noexcept { return tagBytes_; }
  std::size_t rtcpOverhead() const noexcept { return tagBytes_ + kRtcpTrailerBytes; }

  // Where the E flag + SRTCP index word sits in a protected SRTCP packet of `length` bytes.
  // RFC 3711 §3.4: before the tag; RFC 7714 §9: after it.
  std::size_t rtcpTrailerAt(std::size_t length) const noexcept;

  // The packet is buffer[0, length) with the RTP header in its first headerBytes; the buffer has
  // rtpOverhead() bytes of room after it. `index` is the 48-bit packet index (ROC << 16 | SEQ).
  // Returns false only if OpenSSL fails.
  bool protectRtp(std::span<std::uint8_t> buffer, std::size_t headerBytes, std::size_t length,
                  std::uint32_t ssrc, std::uint64_t index) noexcept;
  // buffer[0, length) is the protected packet; returns false if the tag does not verify.
  bool unprotectRtp(std::span<std::uint8_t> buffer, std::size_t headerBytes, std::size_t length,
                    std::uint32_t ssrc, std::uint64_t index) noexcept;
  // The packet is buffer[0, length), at least 8 bytes; `index` is the 31-bit SRTCP index.
  bool protectRtcp(std::span<std::uint8_t> buffer, std::size_t length, std::uint32_t ssrc,
                   std::uint32_t index) noexcept;
  bool unprotectRtcp(std::span<std::uint8_t> buffer, std::size_t length, std::uint32_t ssrc,
                     std::uint32_t index) noexcept;

  static constexpr std::size_t kRtcpTrailerBytes = 4;

 private:
  struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX* context) const noexcept { EVP_CIPHER_CTX_free(context); }
  };

  // AES-GCM (RFC 7714 §8, §9): additional data in up to two pieces, then the data in place.
  bool gcmEncrypt(std::span<const std::uint8_t, 12> iv, std::span<const std::uint8_t> aad,
                  std::span<const std::uint8_t> aadTail, std::span<std::uint8_t> data,
                  std::span<std::uint8_t> tag) noexcept;
  bool gcmDecrypt(std::span<const std::uint8_t, 12> iv, std::span<const std::uint8_t> aad,
                  std::span<const std::uint8_t> aadTail, std::span<std::uint8_t> data,
                  std::span<const std::uint8_t> tag) noexcept;
  // AES-CM (RFC 3711 §4.1.1): XOR the keystream for `iv` into data.
  bool ctrCrypt(std::span<const std::uint8_t, 16> iv, std::span<std::uint8_t> data) noexcept;
  // HMAC-SHA1 (RFC 3711 §4.2.1) of message || tail, truncated into tag.
  void hmac(std::span<const std::uint8_t> message, std::span<const std::uint8_t> tail,
            std::span<std::uint8_t> tag) const noexcept;

  bool gcm_;
  std::size_t tagBytes_;
  std::array<std::uint8_t, kMaxSrtpSaltBytes> salt_{};
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> cipher_;
  SHA_CTX innerPad_{};  // SHA-1 state after (auth key XOR ipad), RFC 2104
  SHA_CTX outerPad_{};  // SHA-1 state after (auth key XOR opad)
};

}  // namespace chorus::media
