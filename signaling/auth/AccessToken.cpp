#include "signaling/auth/AccessToken.h"

namespace chorus::signaling {

std::string_view toString(TokenError error) noexcept {
  switch (error) {
    case TokenError::kNone:
      return "none";
    case TokenError::kTooLarge:
      return "too_large";
    case TokenError::kMalformed:
      return "malformed";
    case TokenError::kBadAlgorithm:
      return "bad_algorithm";
    case TokenError::kBadHeader:
      return "bad_header";
    case TokenError::kUnknownApplication:
      return "unknown_application";
    case TokenError::kBadSignature:
      return "bad_signature";
    case TokenError::kMissingClaim:
      return "missing_claim";
    case TokenError::kBadClaim:
      return "bad_claim";
    case TokenError::kExpired:
      return "expired";
    case TokenError::kNotYetValid:
      return "not_yet_valid";
  }
  return "unknown";
}

}  // namespace chorus::signaling
