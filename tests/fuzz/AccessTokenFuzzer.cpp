// Access tokens arrive from the network. Whatever the bytes, verification must not crash, and
// a token it accepts must carry the HMAC of its first two segments under the issuing
// application's secret, and its claims must survive a mint → verify round trip unchanged.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "signaling/auth/Base64Url.h"
#include "signaling/auth/Hs256.h"
#include "signaling/auth/TokenMinter.h"
#include "signaling/auth/TokenVerifier.h"

namespace {
using namespace std::chrono_literals;
using namespace chorus::signaling;

// The seeds in tests/fuzz/corpus/AccessTokenFuzzer/ are signed with these and valid at kNow.
constexpr std::string_view kApp = "fuzz-app";
constexpr std::string_view kSecret = "fuzz-secret-0123456789abcdef0123456789";
const std::chrono::sys_seconds kNow{1'700'000'000s};

TokenVerifier makeVerifier() {
  ApplicationRegistry applications;
  applications.add(std::string(kApp), std::string(kSecret));
  applications.add("other-app", "other-secret-0123456789abcdef012345");
  return TokenVerifier(std::move(applications));
}

void check(bool property) {
  if (!property) {
    std::abort();
  }
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const TokenVerifier kVerifier = makeVerifier();
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  const TokenVerification result = kVerifier.verify(token, kNow);
  check(result.token.has_value() == (result.error == TokenError::kNone));
  if (!result.token) {
    return 0;
  }
  const AccessToken& claims = *result.token;

  // Accepted means signed: the last segment is HMAC-SHA256 of the rest under the issuer's key.
  const std::size_t lastDot = token.rfind('.');
  check(lastDot != std::string_view::npos);
  const auto secret = kVerifier.applications().secretOf(claims.application);
  check(secret.has_value());
  const auto signature = decodeBase64Url(token.substr(lastDot + 1));
  check(signature.has_value());
  const Hs256::Signature expected = Hs256::sign(*secret, token.substr(0, lastDot));
  check(std::string_view(reinterpret_cast<const char*>(expected.data()), expected.size()) ==
        *signature);

  // Accepted means valid now, within the leeway.
  check(kNow < claims.expiresAt + 30s && kNow + 30s >= claims.notBefore);

  // The claims, minted again, verify to the same claims.
  const TokenVerification again =
      kVerifier.verify(TokenMinter(std::string(*secret)).mint(claims), kNow);
  check(again.token.has_value() && *again.token == claims);
  return 0;
}
