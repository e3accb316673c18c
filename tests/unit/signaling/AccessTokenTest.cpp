// Access tokens: minting, strict verification, and the HS256 layer against RFC 7515's example.
#include <chrono>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "signaling/auth/AccessToken.h"
#include "signaling/auth/ApplicationRegistry.h"
#include "signaling/auth/Base64Url.h"
#include "signaling/auth/Hs256.h"
#include "signaling/auth/TokenMinter.h"
#include "signaling/auth/TokenVerifier.h"

namespace chorus::signaling {

// gtest prints reasons by name.
std::ostream& operator<<(std::ostream& out, TokenError error) {
  return out << toString(error);
}

namespace {
using namespace std::chrono_literals;
using std::chrono::sys_seconds;

constexpr std::string_view kApp = "app-1";
constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef-one";
constexpr std::string_view kOtherSecret = "0123456789abcdef0123456789abcdef-two";
const sys_seconds kNow{1'700'000'000s};

ApplicationRegistry registry() {
  ApplicationRegistry applications;
  applications.add(std::string(kApp), std::string(kSecret));
  applications.add("app-2", std::string(kOtherSecret));
  return applications;
}

AccessToken claims() {
  return AccessToken{.application = std::string(kApp),
                     .user = "alice",
                     .notBefore = kNow - 10s,
                     .expiresAt = kNow + 1h,
                     .issuedAt = kNow - 10s,
                     .room = *RoomPattern::parse("standup"),
                     .publish = true,
                     .subscribe = true};
}

std::string mint(const AccessToken& token = claims(), std::string_view secret = kSecret) {
  return TokenMinter(std::string(secret)).mint(token);
}

// A JWS built by hand, so tests control every byte of header and payload.
std::string sign(std::string_view header, std::string_view payload,
                 std::string_view secret = kSecret) {
  const std::string input = encodeBase64Url(header) + "." + encodeBase64Url(payload);
  return input + "." + encodeBase64Url(Hs256::sign(secret, input));
}

constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

// A payload with every claim valid at kNow; `extra` members are appended (and, repeating a
// name, override it: RFC 7519 §4 lexically last).
std::string payload(std::string_view extra = "") {
  std::string json = R"({"iss":"app-1","sub":"alice","nbf":1699999990,"exp":1700003600,)"
                     R"("room":"standup","publish":true,"subscribe":false)";
  if (!extra.empty()) {
    json += ",";
    json += extra;
  }
  return json + "}";
}

TokenError errorOf(std::string_view token, sys_seconds now = kNow,
                   TokenVerifierOptions options = {}) {
  return TokenVerifier(registry(), options).verify(token, now).error;
}

TEST(AccessTokenTest, MintedTokenVerifiesToTheSameClaims) {
  const TokenVerification result = TokenVerifier(registry()).verify(mint(), kNow);
  ASSERT_EQ(result.error, TokenError::kNone);
  ASSERT_TRUE(result.token);
  EXPECT_EQ(*result.token, claims());
}

TEST(AccessTokenTest, MintedTokenHasThePinnedHeaderAndReadableClaims) {
  const std::string token = mint();
  const std::size_t first = token.find('.');
  const std::size_t second = token.find('.', first + 1);
  EXPECT_EQ(token.substr(0, first), "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
  EXPECT_EQ(decodeBase64Url(token.substr(first + 1, second - first - 1)),
            R"({"iss":"app-1","sub":"alice","nbf":1699999990,"exp":1700003600,)"
            R"("iat":1699999990,"room":"standup","publish":true,"subscribe":true})");
  EXPECT_EQ(token.size() - second - 1, 43U);  // 32 bytes of HMAC, unpadded
}

TEST(AccessTokenTest, ExampleInDocsSignalingMdIsWhatTheMinterProduces) {
  AccessToken example = claims();
  example.expiresAt = example.notBefore + 1h;
  const std::string documented =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
      "eyJpc3MiOiJhcHAtMSIsInN1YiI6ImFsaWNlIiwibmJmIjoxNjk5OTk5OTkwLCJleHAiOjE3MDAwMDM1OTAsImlh"
      "dCI6MTY5OTk5OTk5MCwicm9vbSI6InN0YW5kdXAiLCJwdWJsaXNoIjp0cnVlLCJzdWJzY3JpYmUiOnRydWV9."
      "sIdKg5TVQ7Vs3VC5Rx4YzFhAgjhPPcB5tqtNXMisDWA";
  EXPECT_EQ(mint(example), documented);
  EXPECT_EQ(TokenVerifier(registry()).verify(documented, kNow).token, example);
}

// RFC 7515 Appendix A.1 (the RFC 7519 §3.1 example): its JWK "k" and its compact JWS.
constexpr std::string_view kRfcKey =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
constexpr std::string_view kRfcSigningInput =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    "."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl"
    "fQ";
constexpr std::string_view kRfcSignature = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

TEST(AccessTokenTest, Rfc7515AppendixA1SignatureIsReproducedByteForByte) {
  const auto key = decodeBase64Url(kRfcKey);
  ASSERT_TRUE(key);
  ASSERT_EQ(key->size(), 64U);
  EXPECT_EQ(encodeBase64Url(Hs256::sign(*key, kRfcSigningInput)), kRfcSignature);
  const auto signature = decodeBase64Url(kRfcSignature);
  ASSERT_TRUE(signature);
  const std::span bytes(reinterpret_cast<const std::uint8_t*>(signature->data()),
                        signature->size());
  EXPECT_TRUE(Hs256::verify(*key, kRfcSigningInput, bytes));
  std::string flipped = *signature;
  flipped[31] = static_cast<char>(flipped[31] ^ 1);
  EXPECT_FALSE(Hs256::verify(
      *key, kRfcSigningInput,
      std::span(reinterpret_cast<const std::uint8_t*>(flipped.data()), flipped.size())));
  EXPECT_FALSE(Hs256::verify(*key, kRfcSigningInput, bytes.first(31)));
}

TEST(AccessTokenTest, Rfc7515AppendixA1TokenPassesHeaderAndSignatureThenLacksOurClaims) {
  // Its header has whitespace and members in another order, and is accepted; its claims are
  // not Chorus's (no sub), so verification stops just after the signature.
  ApplicationRegistry applications;
  applications.add("joe", *decodeBase64Url(kRfcKey));
  const std::string token = std::string(kRfcSigningInput) + "." + std::string(kRfcSignature);
  const sys_seconds before{1'300'819'000s};
  EXPECT_EQ(TokenVerifier(applications).verify(token, before).error, TokenError::kMissingClaim);

  ApplicationRegistry wrongKey;
  wrongKey.add("joe", std::string(kSecret));
  EXPECT_EQ(TokenVerifier(wrongKey).verify(token, before).error, TokenError::kBadSignature);
}

TEST(AccessTokenTest, TamperedPayloadOrSignatureIsABadSignature) {
  const std::string token = mint();
  const std::size_t second = token.rfind('.');
  // The same signature over a payload granting another room.
  AccessToken other = claims();
  other.room = *RoomPattern::parse("*");
  const std::string forged = mint(other, kOtherSecret);
  EXPECT_EQ(errorOf(forged.substr(0, forged.rfind('.')) + token.substr(second)),
            TokenError::kBadSignature);
  // One signature character changed (the first: its bits are all significant).
  std::string tampered = token;
  tampered[second + 1] = tampered[second + 1] == 'A' ? 'B' : 'A';
  EXPECT_EQ(errorOf(tampered), TokenError::kBadSignature);
  // The signature cut short (to 40 characters: 30 bytes, still canonical base64url).
  EXPECT_EQ(errorOf(token.substr(0, token.size() - 3)), TokenError::kBadSignature);
}

TEST(AccessTokenTest, WrongSecretIsABadSignatureAndUnknownIssuerIsRefusedBeforeIt) {
  EXPECT_EQ(errorOf(mint(claims(), kOtherSecret)), TokenError::kBadSignature);
  AccessToken stranger = claims();
  stranger.application = "app-9";
  EXPECT_EQ(errorOf(mint(stranger)), TokenError::kUnknownApplication);
  // The other application's token verifies only with the other application's secret.
  AccessToken second = claims();
  second.application = "app-2";
  EXPECT_EQ(errorOf(mint(second, kOtherSecret)), TokenError::kNone);
  EXPECT_EQ(errorOf(mint(second, kSecret)), TokenError::kBadSignature);
}

TEST(AccessTokenTest, AlgorithmIsPinnedToHs256) {
  const std::string claimsSegment = encodeBase64Url(payload());
  EXPECT_EQ(errorOf(encodeBase64Url(R"({"alg":"none","typ":"JWT"})") + "." + claimsSegment + "."),
            TokenError::kBadAlgorithm);
  EXPECT_EQ(errorOf(sign(R"({"alg":"none","typ":"JWT"})", payload())), TokenError::kBadAlgorithm);
  EXPECT_EQ(errorOf(sign(R"({"alg":"HS512","typ":"JWT"})", payload())), TokenError::kBadAlgorithm);
  EXPECT_EQ(errorOf(sign(R"({"alg":"RS256","typ":"JWT"})", payload())), TokenError::kBadAlgorithm);
  EXPECT_EQ(errorOf(sign(R"({"alg":"hs256"})", payload())), TokenError::kBadAlgorithm);
  EXPECT_EQ(errorOf(sign(R"({"typ":"JWT"})", payload())), TokenError::kBadAlgorithm);
  EXPECT_EQ(errorOf(sign(R"({"alg":["HS256"]})", payload())), TokenError::kBadAlgorithm);
  // The control: the same payload under the pinned header verifies, also without typ.
  EXPECT_EQ(errorOf(sign(kHeader, payload())), TokenError::kNone);
  EXPECT_EQ(errorOf(sign(R"({"alg":"HS256"})", payload())), TokenError::kNone);
}

TEST(AccessTokenTest, OtherHeaderMembersAreRefused) {
  EXPECT_EQ(errorOf(sign(R"({"alg":"HS256","typ":"JOSE"})", payload())), TokenError::kBadHeader);
  EXPECT_EQ(errorOf(sign(R"({"alg":"HS256","typ":"JWT","kid":"1"})", payload())),
            TokenError::kBadHeader);
  EXPECT_EQ(errorOf(sign(R"({"alg":"HS256","crit":["exp"]})", payload())), TokenError::kBadHeader);
}

TEST(AccessTokenTest, ExpiryHonoursTheLeewayAndNoMore) {
  const std::string token = mint();  // exp = kNow + 1h
  const sys_seconds exp = kNow + 1h;
  EXPECT_EQ(errorOf(token, exp - 1s), TokenError::kNone);
  EXPECT_EQ(errorOf(token, exp), TokenError::kNone);  // within the default 30 s
  EXPECT_EQ(errorOf(token, exp + 29s), TokenError::kNone);
  EXPECT_EQ(errorOf(token, exp + 30s), TokenError::kExpired);
  EXPECT_EQ(errorOf(token, exp + 24h), TokenError::kExpired);
  const TokenVerifierOptions strict{.leeway = 0s};
  EXPECT_EQ(errorOf(token, exp - 1s, strict), TokenError::kNone);
  EXPECT_EQ(errorOf(token, exp, strict), TokenError::kExpired);
  // Sub-second times: still valid half a second before exp.
  const TokenVerifier verifier(registry(), strict);
  EXPECT_EQ(verifier.verify(token, exp - 500ms).error, TokenError::kNone);
}

TEST(AccessTokenTest, NotBeforeHonoursTheLeeway) {
  AccessToken early = claims();
  early.notBefore = kNow + 31s;
  EXPECT_EQ(errorOf(mint(early)), TokenError::kNotYetValid);
  early.notBefore = kNow + 30s;
  EXPECT_EQ(errorOf(mint(early)), TokenError::kNone);
  EXPECT_EQ(errorOf(mint(early), kNow, {.leeway = 0s}), TokenError::kNotYetValid);
  early.notBefore = kNow;
  EXPECT_EQ(errorOf(mint(early), kNow, {.leeway = 0s}), TokenError::kNone);
}

TEST(AccessTokenTest, RequiredClaimsMustBePresent) {
  for (const std::string_view required : {"iss", "sub", "exp", "nbf", "room"}) {
    std::string json = payload();
    const std::size_t at = json.find("\"" + std::string(required) + "\"");
    ASSERT_NE(at, std::string::npos);
    json.replace(at, 1, "\"x-");  // renames the claim, so it is absent
    EXPECT_EQ(errorOf(sign(kHeader, json)), TokenError::kMissingClaim) << required;
  }
}

TEST(AccessTokenTest, ClaimsOfTheWrongTypeOrRangeAreBadClaims) {
  for (const std::string_view bad : {
           R"("iss":7)",
           R"("sub":42)",
           R"("sub":"")",
           R"("sub":null)",
           R"("exp":"1700003600")",
           R"("exp":1700003600.5)",
           R"("exp":1.7e9)",
           R"("exp":-1)",
           R"("exp":253402300800)",
           R"("exp":18446744073709551615)",
           R"("nbf":true)",
           R"("iat":"yesterday")",
           R"("room":5)",
           R"("room":"")",
           R"("room":"a*b")",
           R"("room":["standup"])",
           R"("publish":"true")",
           R"("subscribe":1)",
       }) {
    EXPECT_EQ(errorOf(sign(kHeader, payload(bad))), TokenError::kBadClaim) << bad;
  }
}

TEST(AccessTokenTest, UnknownClaimsAreIgnoredAndALaterDuplicateWins) {
  // RFC 7519 §4: claims not understood are ignored; a repeated name takes its last value.
  const auto result =
      TokenVerifier(registry())
          .verify(sign(kHeader, payload(R"("aud":"x","nested":{"a":[1,2]},"sub":"bob")")), kNow);
  ASSERT_TRUE(result.token);
  EXPECT_EQ(result.token->user, "bob");
}

TEST(AccessTokenTest, AbsentGrantsAndIssuedAtDefaultToNothing) {
  const auto result =
      TokenVerifier(registry())
          .verify(sign(kHeader, R"({"iss":"app-1","sub":"alice","nbf":1699999990,"exp":1700003600,)"
                                R"("room":"standup"})"),
                  kNow);
  ASSERT_TRUE(result.token);
  EXPECT_FALSE(result.token->publish);
  EXPECT_FALSE(result.token->subscribe);
  EXPECT_FALSE(result.token->issuedAt);
}

TEST(AccessTokenTest, StructureMustBeThreeUnpaddedBase64UrlSegmentsOfJsonObjects) {
  const std::string token = mint();
  const std::size_t first = token.find('.');
  const std::size_t second = token.rfind('.');
  EXPECT_EQ(errorOf(""), TokenError::kMalformed);
  EXPECT_EQ(errorOf(".."), TokenError::kMalformed);
  EXPECT_EQ(errorOf(token.substr(0, second)), TokenError::kMalformed);  // two segments
  EXPECT_EQ(errorOf(token + ".e30"), TokenError::kMalformed);           // four segments
  EXPECT_EQ(errorOf(token + "."), TokenError::kMalformed);
  // A character outside the alphabet in each segment.
  for (const std::size_t at : {std::size_t{1}, first + 2, second + 2}) {
    for (const char bad : {'+', '/', ' ', '=', '\0', '\xC3'}) {
      std::string broken = token;
      broken[at] = bad;
      EXPECT_EQ(errorOf(broken), TokenError::kMalformed) << at << " " << int{bad};
    }
  }
  // Padding appended to the payload segment (its length is not a multiple of 4) and to the
  // signature (43 characters, which standard base64 pads with one '=').
  EXPECT_EQ(errorOf(token.substr(0, second) + "=" + token.substr(second)), TokenError::kMalformed);
  EXPECT_EQ(errorOf(token + "="), TokenError::kMalformed);
  // Valid base64url that is not a JSON object.
  EXPECT_EQ(errorOf(sign(kHeader, R"(["iss","app-1"])")), TokenError::kMalformed);
  EXPECT_EQ(errorOf(sign(kHeader, "not json")), TokenError::kMalformed);
  EXPECT_EQ(errorOf(sign(kHeader, payload() + " {}")), TokenError::kMalformed);
  EXPECT_EQ(errorOf(sign("HS256", payload())), TokenError::kMalformed);
  EXPECT_EQ(errorOf(sign(kHeader, payload(R"("name":"\xFF")"))), TokenError::kMalformed);
}

TEST(AccessTokenTest, OversizeTokensAreRefusedBeforeDecoding) {
  const std::string token = mint();
  EXPECT_EQ(errorOf(token, kNow, {.maxTokenBytes = token.size()}), TokenError::kNone);
  EXPECT_EQ(errorOf(token, kNow, {.maxTokenBytes = token.size() - 1}), TokenError::kTooLarge);
  EXPECT_EQ(errorOf(std::string(4097, 'A')), TokenError::kTooLarge);
  // A large valid token under the default limit still verifies.
  EXPECT_EQ(errorOf(sign(kHeader, payload(R"("pad":")" + std::string(2500, 'p') + "\""))),
            TokenError::kNone);
}

TEST(AccessTokenTest, RoomGrantsMatchExactlyByPrefixOrAny) {
  const TokenVerifier verifier(registry());
  const auto grantFor = [&](std::string_view pattern) {
    AccessToken token = claims();
    token.room = *RoomPattern::parse(pattern);
    return *verifier.verify(mint(token), kNow).token;
  };
  const AccessToken exact = grantFor("standup");
  EXPECT_TRUE(exact.allowsRoom("standup"));
  EXPECT_FALSE(exact.allowsRoom("standup-2"));
  const AccessToken prefix = grantFor("team-a/*");
  EXPECT_TRUE(prefix.allowsRoom("team-a/standup"));
  EXPECT_FALSE(prefix.allowsRoom("team-b/standup"));
  const AccessToken any = grantFor("*");
  EXPECT_TRUE(any.allowsRoom("standup"));
  EXPECT_TRUE(any.allowsRoom("team-b/standup"));
}

TEST(AccessTokenTest, PublishAndSubscribeGrantsAreCarriedThrough) {
  const TokenVerifier verifier(registry());
  for (const bool publish : {false, true}) {
    for (const bool subscribe : {false, true}) {
      AccessToken token = claims();
      token.publish = publish;
      token.subscribe = subscribe;
      const auto result = verifier.verify(mint(token), kNow);
      ASSERT_TRUE(result.token);
      EXPECT_EQ(result.token->publish, publish);
      EXPECT_EQ(result.token->subscribe, subscribe);
    }
  }
}

TEST(AccessTokenTest, SecretsShorterThan256BitsAndBadKeysAreRefused) {
  ApplicationRegistry applications;
  EXPECT_THROW(applications.add("a", std::string(31, 's')), std::invalid_argument);
  EXPECT_THROW(applications.add("", std::string(32, 's')), std::invalid_argument);
  applications.add("a", std::string(32, 's'));
  EXPECT_THROW(applications.add("a", std::string(40, 't')), std::invalid_argument);
  EXPECT_EQ(applications.size(), 1U);
  EXPECT_EQ(applications.secretOf("a"), std::string(32, 's'));
  EXPECT_FALSE(applications.secretOf("b"));
  EXPECT_THROW(TokenMinter(std::string(31, 's')), std::invalid_argument);
}

TEST(AccessTokenTest, MinterRefusesClaimsAVerifierWouldRefuse) {
  AccessToken noUser = claims();
  noUser.user.clear();
  EXPECT_THROW(mint(noUser), std::invalid_argument);
  AccessToken noApplication = claims();
  noApplication.application.clear();
  EXPECT_THROW(mint(noApplication), std::invalid_argument);
  AccessToken beforeEpoch = claims();
  beforeEpoch.notBefore = sys_seconds(-1s);
  EXPECT_THROW(mint(beforeEpoch), std::invalid_argument);
}

TEST(AccessTokenTest, ErrorReasonsHaveStableNames) {
  EXPECT_EQ(toString(TokenError::kTooLarge), "too_large");
  EXPECT_EQ(toString(TokenError::kMalformed), "malformed");
  EXPECT_EQ(toString(TokenError::kBadAlgorithm), "bad_algorithm");
  EXPECT_EQ(toString(TokenError::kBadHeader), "bad_header");
  EXPECT_EQ(toString(TokenError::kUnknownApplication), "unknown_application");
  EXPECT_EQ(toString(TokenError::kBadSignature), "bad_signature");
  EXPECT_EQ(toString(TokenError::kMissingClaim), "missing_claim");
  EXPECT_EQ(toString(TokenError::kBadClaim), "bad_claim");
  EXPECT_EQ(toString(TokenError::kExpired), "expired");
  EXPECT_EQ(toString(TokenError::kNotYetValid), "not_yet_valid");
}

}  // namespace
}  // namespace chorus::signaling
