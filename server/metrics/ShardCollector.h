#pragma once

#include <vector>

#include <prometheus/collectable.h>

#include "server/shard/ShardPool.h"

namespace chorus::server {

// Sums the shards' single-writer counters when /metrics is scraped, so the packet path never
// touches a prometheus-cpp object (whose metrics take a lock or an atomic read-modify-write).
class ShardCollector : public prometheus::Collectable {
 public:
  explicit ShardCollector(const ShardPool& shards) : shards_(shards) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::vector<prometheus::MetricFamily> transportMetrics() const;
  std::vector<prometheus::MetricFamily> routerMetrics() const;
  // RTP and RTCP by kind and type, and the RTCP-derived quality histograms.
  std::vector<prometheus::MetricFamily> mediaMetrics() const;
  // Each worker's loop: lag, receive batches, rings, pool.
  std::vector<prometheus::MetricFamily> workerMetrics() const;

  const ShardPool& shards_;
};

}  // namespace chorus::server
