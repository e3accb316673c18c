#pragma once

#include <vector>

#include <prometheus/collectable.h>

#include "signaling/http/RestApi.h"

namespace chorus::server {

// The REST API at scrape time: requests answered, by HTTP status. The counts are kept on the
// control thread, which is also the one that serves /metrics, so they are read without locks.
class RestCollector : public prometheus::Collectable {
 public:
  explicit RestCollector(const signaling::RestApi& api) : api_(api) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const signaling::RestApi& api_;
};

}  // namespace chorus::server
