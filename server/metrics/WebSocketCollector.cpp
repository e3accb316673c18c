#include "server/metrics/WebSocketCollector.h"

#include <string>

#include "server/metrics/MetricFamilies.h"

namespace chorus::server {

std::vector<prometheus::MetricFamily> WebSocketCollector::Collect() const {
  auto open = gaugeFamily("chorus_websocket_connections", "open WebSocket connections on /ws");
  addSample(open, static_cast<double>(counters_.open.load()));
  auto accepted = counterFamily("chorus_websocket_connections_total",
                                "WebSocket connections accepted on /ws since the start");
  addSample(accepted, static_cast<double>(counters_.accepted.load()));
  auto refused =
      counterFamily("chorus_websocket_upgrades_refused_total",
                    "WebSocket upgrades refused, by reason: max_connections (503), origin (403)");
  addSample(refused, static_cast<double>(counters_.refused.load()),
            {{"reason", "max_connections"}});
  addSample(refused, static_cast<double>(counters_.refusedForOrigin.load()),
            {{"reason", "origin"}});
  auto rateLimited = counterFamily("chorus_websocket_rate_limited_total",
                                   "WebSocket messages answered rate_limited");
  addSample(rateLimited, static_cast<double>(counters_.rateLimited.load()));
  auto authFailures =
      counterFamily("chorus_auth_failures_total", "access tokens refused on /ws, by reason");
  for (std::size_t reason = 1; reason < kTokenErrorCount; ++reason) {
    addSample(authFailures, static_cast<double>(counters_.authFailures[reason].load()),
              {{"reason", std::string(toString(static_cast<signaling::TokenError>(reason)))}});
  }
  return {open, accepted, refused, rateLimited, authFailures};
}

}  // namespace chorus::server
