#pragma once

#include <cstdint>
#include <string_view>

namespace chorus::signaling {

// The `code` of an error reply. The strings are part of the protocol (docs/signaling.md,
// "Error codes"): clients branch on them, so they never change meaning.
enum class SignalingError : std::uint8_t {
  kBadRequest,    // not JSON, not an object, `type` or `id` missing or of the wrong type
  kUnknownType,   // a `type` this server does not know
  kUnauthorized,  // no valid token yet, or a refused token (the connection then closes)
  kRateLimited,   // over the connection's message rate
  kInternal,      // the server failed; the request may be retried
};

std::string_view toString(SignalingError error) noexcept;

}  // namespace chorus::signaling
