#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "signaling/auth/RoomPattern.h"

namespace chorus::signaling {

// The JWS header every Chorus token carries (RFC 7515 §4.1.1 alg, RFC 7519 §5.1 typ).
inline constexpr std::string_view kAccessTokenHeader = R"({"alg":"HS256","typ":"JWT"})";

// Claim names: RFC 7519 §4.1 registered claims, then Chorus's grants.
namespace claim {
inline constexpr std::string_view kIssuer = "iss";
inline constexpr std::string_view kSubject = "sub";
inline constexpr std::string_view kExpiresAt = "exp";
inline constexpr std::string_view kNotBefore = "nbf";
inline constexpr std::string_view kIssuedAt = "iat";
inline constexpr std::string_view kRoom = "room";
inline constexpr std::string_view kPublish = "publish";
inline constexpr std::string_view kSubscribe = "subscribe";
}  // namespace claim

// What a verified Chorus access token says: who issued it, for whom, when it is valid, and what
// it allows. The JSON names are the JWT claim names of RFC 7519 §4.1 and Chorus's grants; the
// format is specified in docs/signaling.md, "Access tokens".
struct AccessToken {
  static constexpr std::size_t kMaxUserBytes = 256;
  // Times are whole seconds since the epoch (RFC 7519 §2 NumericDate) up to the end of year
  // 9999, which keeps every sum with a leeway far from overflowing.
  static constexpr std::int64_t kMaxNumericDate = 253402300799;

  std::string application;                           // iss: the issuing application's key
  std::string user;                                  // sub: the user id within that application
  std::chrono::sys_seconds notBefore;                // nbf
  std::chrono::sys_seconds expiresAt;                // exp
  std::optional<std::chrono::sys_seconds> issuedAt;  // iat, informational
  RoomPattern room;                                  // room: the rooms it may join
  bool publish = false;                              // publish: may send media
  bool subscribe = false;                            // subscribe: may receive media

  bool allowsRoom(std::string_view roomId) const noexcept { return room.matches(roomId); }

  friend bool operator==(const AccessToken&, const AccessToken&) = default;
};

// Why a token was refused. The WebSocket layer answers every one of them with `unauthorized`
// and counts them by toString(reason), so the strings are stable metric label values.
enum class TokenError : std::uint8_t {
  kNone,
  kTooLarge,            // longer than the verifier's limit
  kMalformed,           // not three base64url segments of JSON objects
  kBadAlgorithm,        // header `alg` absent or not HS256
  kBadHeader,           // header `typ` not JWT, or a member other than alg and typ
  kUnknownApplication,  // `iss` names no configured application
  kBadSignature,        // the HMAC does not match
  kMissingClaim,        // a required claim is absent
  kBadClaim,            // a claim of the wrong JSON type or out of range
  kExpired,             // `exp` passed, beyond the leeway
  kNotYetValid,         // `nbf` still ahead, beyond the leeway
};

std::string_view toString(TokenError error) noexcept;

}  // namespace chorus::signaling
