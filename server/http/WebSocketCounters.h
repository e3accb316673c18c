#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "signaling/auth/AccessToken.h"

namespace chorus::server {

inline constexpr std::size_t kTokenErrorCount =
    static_cast<std::size_t>(signaling::TokenError::kNotYetValid) + 1;

// What the WebSocket sessions did, written on the control thread and read by the metrics
// collector at scrape time.
struct WebSocketCounters {
  std::atomic<std::uint64_t> open{0};              // connections past the upgrade, not yet closed
  std::atomic<std::uint64_t> accepted{0};          // connections ever past the upgrade
  std::atomic<std::uint64_t> refused{0};           // upgrades answered 503 for max_connections
  std::atomic<std::uint64_t> refusedForOrigin{0};  // answered 403: Origin not allowed
  std::atomic<std::uint64_t> rateLimited{0};
  std::array<std::atomic<std::uint64_t>, kTokenErrorCount> authFailures{};  // by TokenError
};

}  // namespace chorus::server
