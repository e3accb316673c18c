#pragma once

#include <string>

#include "signaling/auth/AccessToken.h"

namespace chorus::signaling {

// Signs access tokens with one application's secret: for `chorusd token` and the development
// token endpoint. Application backends may mint their own with any JWT library; docs/signaling.md
// gives the format.
class TokenMinter {
 public:
  // Throws std::invalid_argument for a secret shorter than ApplicationRegistry::kMinSecretBytes.
  explicit TokenMinter(std::string secret);

  // The compact JWS: BASE64URL(header) '.' BASE64URL(claims) '.' BASE64URL(HMAC). Throws
  // std::invalid_argument for claims a verifier would refuse as bad_claim (an empty user, a
  // time outside 0 .. AccessToken::kMaxNumericDate), so whatever it returns verifies.
  std::string mint(const AccessToken& token) const;

 private:
  std::string secret_;
};

}  // namespace chorus::signaling
