#pragma once

#include <vector>

#include <prometheus/collectable.h>

#include "server/http/WebSocketCounters.h"

namespace chorus::server {

// The WebSocket endpoint at scrape time: open connections, upgrades refused, requests refused
// for the rate limit, and refused access tokens by reason.
class WebSocketCollector : public prometheus::Collectable {
 public:
  explicit WebSocketCollector(const WebSocketCounters& counters) : counters_(counters) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const WebSocketCounters& counters_;
};

}  // namespace chorus::server
