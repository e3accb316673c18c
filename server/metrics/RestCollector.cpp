#include "server/metrics/RestCollector.h"

#include <string>

#include "server/metrics/MetricFamilies.h"

namespace chorus::server {

std::vector<prometheus::MetricFamily> RestCollector::Collect() const {
  auto requests =
      counterFamily("chorus_rest_requests_total", "REST API requests answered, by HTTP status");
  for (const auto& [status, count] : api_.requestsByStatus()) {
    addSample(requests, static_cast<double>(count), {{"status", std::to_string(status)}});
  }
  return {requests};
}

}  // namespace chorus::server
