#pragma once

#include <memory>
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/registry.h>

namespace chorus::server {

// Everything /metrics shows: a prometheus-cpp registry for metrics the control plane updates,
// plus collectors that compute their values when scraped (process, shards).
class MetricsExposition {
 public:
  MetricsExposition();

  prometheus::Registry& registry() { return *registry_; }
  // `collector` must outlive this object.
  void addCollector(const prometheus::Collectable& collector);

  // All metrics in the Prometheus text exposition format 0.0.4.
  std::string scrape() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<const prometheus::Collectable*> collectors_;
};

}  // namespace chorus::server
