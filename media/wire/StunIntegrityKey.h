#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

#include "media/wire/StunProtocol.h"

namespace chorus::media {

using StunIntegrityDigest = std::array<std::uint8_t, kStunMessageIntegritySize>;

// The key of STUN's MESSAGE-INTEGRITY with short-term credentials (RFC 8489 §9.1.1), with the
// HMAC-SHA1 (RFC 2104) inner and outer hash states already primed with it: an ICE agent keeps
// one per password and signs or checks every message without touching the key again.
//
// NOTE: OpenSSL 3.0's EVP_MAC and HMAC APIs allocate on every message (measured: HMAC() 13
// mallocs, a reused EVP_MAC_CTX 2, EVP_MAC_CTX_dup 11), which the packet path may not. The
// low-level SHA1_* functions keep their state in a plain struct and allocate nothing, so the
// HMAC is composed from them here; they still run OpenSSL's SHA-NI/AVX code.
class StunIntegrityKey {
 public:
  explicit StunIntegrityKey(std::span<const std::uint8_t> key) noexcept;

  // RFC 8489 §9.1.1: the short-term key is OpaqueString(password) (RFC 8265). ICE passwords
  // are ASCII letters, digits, '+' and '/' (RFC 8839 §5.4), for which that is the identity.
  explicit StunIntegrityKey(std::string_view password) noexcept;

  // HMAC-SHA1 of the concatenation of `parts`.
  StunIntegrityDigest hmac(
      std::initializer_list<std::span<const std::uint8_t>> parts) const noexcept;

 private:
  // Two OpenSSL SHA_CTX values kept as bytes, so OpenSSL's deprecated low-level header stays in
  // the .cpp (which checks the size).
  static constexpr std::size_t kShaStateSize = 96;
  alignas(8) std::array<std::uint8_t, kShaStateSize> innerState_{};
  alignas(8) std::array<std::uint8_t, kShaStateSize> outerState_{};
};

}  // namespace chorus::media
