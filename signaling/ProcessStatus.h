#pragma once

#include <string>

namespace chorus::signaling {

// The answer to "is this process fit to serve?", with a reason a person can read when not.
struct HealthReport {
  bool healthy = false;
  std::string detail;
};

// What the HTTP API needs to know about the process it serves in. server/ implements it with
// the worker shards and the metrics registry; tests implement it with plain values.
class ProcessStatus {
 public:
  virtual ~ProcessStatus() = default;

  // Alive: every worker's event loop is turning. Failing this asks the orchestrator to restart.
  virtual HealthReport liveness() const = 0;
  // Ready: accepting new joins. Failing this takes the node out of the load balancer only.
  virtual HealthReport readiness() const = 0;
  // Every metric, in the Prometheus text exposition format 0.0.4.
  virtual std::string metricsText() const = 0;
};

}  // namespace chorus::signaling
