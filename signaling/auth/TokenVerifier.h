#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

#include "signaling/auth/AccessToken.h"
#include "signaling/auth/ApplicationRegistry.h"

namespace chorus::signaling {

struct TokenVerifierOptions {
  // Clock skew tolerated between the token's issuer and this server, both for `exp` and `nbf`.
  std::chrono::seconds leeway{30};
  // Longer tokens are refused before any decoding; Chorus's own are about 300 bytes.
  std::size_t maxTokenBytes = 4096;
};

struct TokenVerification {
  std::optional<AccessToken> token;      // set when the token is valid now
  TokenError error = TokenError::kNone;  // why not, otherwise
};

// Verifies access tokens (compact JWS, RFC 7515 §7.1) strictly: three unpadded base64url
// segments, the algorithm pinned to HS256, the issuer a configured application, its HMAC
// compared in constant time, the required claims present with their JSON types, and the time
// inside [nbf, exp) widened by the leeway. Tokens come from the network; nothing about them is
// trusted before the signature checks out.
class TokenVerifier {
 public:
  explicit TokenVerifier(ApplicationRegistry applications, TokenVerifierOptions options = {});

  TokenVerification verify(std::string_view token, std::chrono::system_clock::time_point now) const;

  const ApplicationRegistry& applications() const noexcept { return applications_; }

 private:
  ApplicationRegistry applications_;
  TokenVerifierOptions options_;
};

}  // namespace chorus::signaling
