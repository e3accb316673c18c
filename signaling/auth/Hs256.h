#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace chorus::signaling {

// HMAC-SHA256 as JWS uses it for "alg":"HS256" (RFC 7518 §3.2): the MAC of the JWS signing
// input, ASCII(BASE64URL(header) || '.' || BASE64URL(payload)), under the shared secret.
class Hs256 {
 public:
  static constexpr std::size_t kSignatureBytes = 32;
  using Signature = std::array<std::uint8_t, kSignatureBytes>;

  static Signature sign(std::string_view key, std::string_view signingInput);

  // RFC 7518 §3.2: compared in constant time, so the time taken tells an attacker nothing
  // about how many leading bytes of a forged signature were right.
  static bool verify(std::string_view key, std::string_view signingInput,
                     std::span<const std::uint8_t> signature);
};

}  // namespace chorus::signaling
