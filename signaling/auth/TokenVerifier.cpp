#include "signaling/auth/TokenVerifier.h"

#include <boost/json.hpp>

#include "signaling/auth/Base64Url.h"
#include "signaling/auth/Hs256.h"

namespace chorus::signaling {
namespace {
namespace json = boost::json;

constexpr std::string_view kAlgorithm = "HS256";
constexpr std::string_view kType = "JWT";
constexpr std::string_view kAlgorithmMember = "alg";
constexpr std::string_view kTypeMember = "typ";
// Chorus's claims are flat; room for an issuer's own nested claims, no room for a parser bomb.
constexpr std::size_t kMaxJsonDepth = 8;

// RFC 7515 §7.1 compact serialization: header '.' payload '.' signature, each base64url.
struct Segments {
  std::string_view signingInput;  // header '.' payload, what the HMAC covers
  std::string header;             // decoded
  std::string payload;            // decoded
  std::string signature;          // decoded
};

std::optional<Segments> split(std::string_view token) {
  const std::size_t first = token.find('.');
  if (first == std::string_view::npos) {
    return std::nullopt;
  }
  const std::size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  auto header = decodeBase64Url(token.substr(0, first));
  auto payload = decodeBase64Url(token.substr(first + 1, second - first - 1));
  auto signature = decodeBase64Url(token.substr(second + 1));
  if (!header || !payload || !signature) {
    return std::nullopt;
  }
  return Segments{token.substr(0, second), std::move(*header), std::move(*payload),
                  std::move(*signature)};
}

// RFC 7515 §5.2 steps 3-4 and RFC 7519 §7.2 step 10: each part is a JSON object (UTF-8 checked
// by the parser). RFC 7519 §4: for a repeated member, Boost.JSON keeps the lexically last,
// which is one of the two behaviours the RFC allows.
std::optional<json::object> parseObject(std::string_view text) {
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code error;
  json::value value = json::parse(text, error, {}, options);
  if (error || !value.is_object()) {
    return std::nullopt;
  }
  return std::move(value.as_object());
}

// RFC 8725 §3.1: the algorithm is the one Chorus expects, never what the token asks for. Any
// member beyond alg and typ (crit, jku, x5u, kid, ...) is refused rather than ignored: Chorus
// has no use for them, and RFC 7515 §4.1.11 forbids ignoring `crit`.
TokenError checkHeader(const json::object& header) {
  const json::value* algorithm = header.if_contains(kAlgorithmMember);
  if (algorithm == nullptr || !algorithm->is_string() || algorithm->get_string() != kAlgorithm) {
    return TokenError::kBadAlgorithm;
  }
  for (const json::key_value_pair& member : header) {
    if (member.key() == kAlgorithmMember) {
      continue;
    }
    if (member.key() == kTypeMember && member.value().is_string() &&
        member.value().get_string() == kType) {
      continue;
    }
    return TokenError::kBadHeader;
  }
  return TokenError::kNone;
}

// Reads claims, keeping the first error met so the caller checks once at the end.
class ClaimReader {
 public:
  explicit ClaimReader(const json::object& claims) : claims_(claims) {}

  // A required non-empty string of at most maxBytes.
  std::string text(std::string_view name, std::size_t maxBytes) {
    const json::value* value = find(name, true);
    if (value == nullptr) {
      return {};
    }
    if (!value->is_string() || value->get_string().empty() ||
        value->get_string().size() > maxBytes) {
      fail(TokenError::kBadClaim);
      return {};
    }
    return std::string(value->get_string());
  }

  // RFC 7519 §2 NumericDate, restricted to whole seconds in 0 .. kMaxNumericDate.
  std::optional<std::chrono::sys_seconds> date(std::string_view name, bool required) {
    const json::value* value = find(name, required);
    if (value == nullptr) {
      return std::nullopt;
    }
    if (!value->is_int64() || value->get_int64() < 0 ||
        value->get_int64() > AccessToken::kMaxNumericDate) {
      fail(TokenError::kBadClaim);
      return std::nullopt;
    }
    return std::chrono::sys_seconds(std::chrono::seconds(value->get_int64()));
  }

  // An optional boolean grant; absent means not granted.
  bool flag(std::string_view name) {
    const json::value* value = find(name, false);
    if (value == nullptr) {
      return false;
    }
    if (!value->is_bool()) {
      fail(TokenError::kBadClaim);
      return false;
    }
    return value->get_bool();
  }

  void fail(TokenError error) {
    if (error_ == TokenError::kNone) {
      error_ = error;
    }
  }
  TokenError error() const { return error_; }

 private:
  const json::value* find(std::string_view name, bool required) {
    const json::value* value = claims_.if_contains(name);
    if (value == nullptr && required) {
      fail(TokenError::kMissingClaim);
    }
    return value;
  }

  const json::object& claims_;
  TokenError error_ = TokenError::kNone;
};

TokenVerification refuse(TokenError error) {
  return {std::nullopt, error};
}

}  // namespace

TokenVerifier::TokenVerifier(ApplicationRegistry applications, TokenVerifierOptions options)
    : applications_(std::move(applications)), options_(options) {}

TokenVerification TokenVerifier::verify(std::string_view token,
                                        std::chrono::system_clock::time_point now) const {
  if (token.size() > options_.maxTokenBytes) {
    return refuse(TokenError::kTooLarge);
  }
  const auto segments = split(token);
  if (!segments) {
    return refuse(TokenError::kMalformed);
  }
  const auto header = parseObject(segments->header);
  const auto claims = parseObject(segments->payload);
  if (!header || !claims) {
    return refuse(TokenError::kMalformed);
  }
  if (const TokenError error = checkHeader(*header); error != TokenError::kNone) {
    return refuse(error);
  }

  // The issuer picks the key, so it is read before the signature is checked; nothing else is.
  ClaimReader read(*claims);
  std::string application = read.text(claim::kIssuer, ApplicationRegistry::kMaxKeyBytes);
  if (read.error() != TokenError::kNone) {
    return refuse(read.error());
  }
  const auto secret = applications_.secretOf(application);
  if (!secret) {
    return refuse(TokenError::kUnknownApplication);
  }
  const auto& signature = segments->signature;
  if (!Hs256::verify(
          *secret, segments->signingInput,
          std::span(reinterpret_cast<const std::uint8_t*>(signature.data()), signature.size()))) {
    return refuse(TokenError::kBadSignature);
  }

  std::string user = read.text(claim::kSubject, AccessToken::kMaxUserBytes);
  const auto expiresAt = read.date(claim::kExpiresAt, true);
  const auto notBefore = read.date(claim::kNotBefore, true);
  const auto issuedAt = read.date(claim::kIssuedAt, false);
  const std::string roomText = read.text(claim::kRoom, RoomPattern::kMaxBytes);
  const bool publish = read.flag(claim::kPublish);
  const bool subscribe = read.flag(claim::kSubscribe);
  auto room = RoomPattern::parse(roomText);
  if (read.error() == TokenError::kNone && !room) {
    read.fail(TokenError::kBadClaim);
  }
  if (read.error() != TokenError::kNone) {
    return refuse(read.error());
  }

  // RFC 7519 §4.1.4: valid strictly before exp; §4.1.5: valid from nbf on. Both widened by the
  // leeway. Compared in whole seconds: the claims have no finer resolution.
  const auto nowSeconds = std::chrono::floor<std::chrono::seconds>(now);
  if (nowSeconds >= *expiresAt + options_.leeway) {
    return refuse(TokenError::kExpired);
  }
  if (nowSeconds + options_.leeway < *notBefore) {
    return refuse(TokenError::kNotYetValid);
  }
  return {AccessToken{.application = std::move(application),
                      .user = std::move(user),
                      .notBefore = *notBefore,
                      .expiresAt = *expiresAt,
                      .issuedAt = issuedAt,
                      .room = std::move(*room),
                      .publish = publish,
                      .subscribe = subscribe},
          TokenError::kNone};
}

}  // namespace chorus::signaling
