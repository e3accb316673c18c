#pragma once

#include <string_view>

namespace chorus::signaling {

// The application chorusd adds when dev_mode is on, so `make run` and the demo page work with
// no applications file. Both values are public (they are in the source and in the README); a
// server running with them accepts tokens anyone can mint, which is why dev_mode must never be
// on in production.
inline constexpr std::string_view kDevApplicationKey = "chorus-dev";
// At least ApplicationRegistry::kMinSecretBytes, like any secret.
inline constexpr std::string_view kDevApplicationSecret =
    "chorus-dev-secret-public-never-use-in-production";

}  // namespace chorus::signaling
