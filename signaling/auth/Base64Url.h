#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace chorus::signaling {

// RFC 7515 §2 "Base64url Encoding": the URL-safe alphabet of RFC 4648 §5 with the trailing '='
// padding omitted. JWS segments use exactly this form.
std::string encodeBase64Url(std::span<const std::uint8_t> bytes);
std::string encodeBase64Url(std::string_view bytes);

// Decodes strictly: only [A-Za-z0-9_-], no padding, no whitespace, a length that a whole number
// of bytes can have (not 1 mod 4), and unused low bits of the last character zero. The last rule
// (RFC 4648 §3.5, canonical encoding) gives every byte string exactly one accepted encoding, so
// a signature cannot be altered without being rejected. Nothing if any rule is broken.
std::optional<std::string> decodeBase64Url(std::string_view text);

}  // namespace chorus::signaling
