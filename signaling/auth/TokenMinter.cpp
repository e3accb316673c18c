#include "signaling/auth/TokenMinter.h"

#include <stdexcept>

#include <boost/json.hpp>

#include "signaling/auth/ApplicationRegistry.h"
#include "signaling/auth/Base64Url.h"
#include "signaling/auth/Hs256.h"

namespace chorus::signaling {
namespace {

std::int64_t numericDate(std::chrono::sys_seconds time, std::string_view name) {
  const std::int64_t seconds = time.time_since_epoch().count();
  if (seconds < 0 || seconds > AccessToken::kMaxNumericDate) {
    throw std::invalid_argument("token claim " + std::string(name) + " is out of range");
  }
  return seconds;
}

}  // namespace

TokenMinter::TokenMinter(std::string secret) : secret_(std::move(secret)) {
  ApplicationRegistry::checkSecret(secret_);
}

std::string TokenMinter::mint(const AccessToken& token) const {
  if (token.application.empty() || token.application.size() > ApplicationRegistry::kMaxKeyBytes) {
    throw std::invalid_argument("an application key must be 1 to " +
                                std::to_string(ApplicationRegistry::kMaxKeyBytes) + " bytes");
  }
  if (token.user.empty() || token.user.size() > AccessToken::kMaxUserBytes) {
    throw std::invalid_argument("a user id must be 1 to " +
                                std::to_string(AccessToken::kMaxUserBytes) + " bytes");
  }
  boost::json::object claims;
  claims[claim::kIssuer] = token.application;
  claims[claim::kSubject] = token.user;
  claims[claim::kNotBefore] = numericDate(token.notBefore, claim::kNotBefore);
  claims[claim::kExpiresAt] = numericDate(token.expiresAt, claim::kExpiresAt);
  if (token.issuedAt) {
    claims[claim::kIssuedAt] = numericDate(*token.issuedAt, claim::kIssuedAt);
  }
  claims[claim::kRoom] = token.room.text();
  claims[claim::kPublish] = token.publish;
  claims[claim::kSubscribe] = token.subscribe;

  // RFC 7515 §7.1: the signing input is the two encoded segments joined by a period.
  std::string jws =
      encodeBase64Url(kAccessTokenHeader) + '.' + encodeBase64Url(boost::json::serialize(claims));
  const Hs256::Signature signature = Hs256::sign(secret_, jws);
  jws += '.';
  jws += encodeBase64Url(signature);
  return jws;
}

}  // namespace chorus::signaling
