#include "server/metrics/MetricFamilies.h"

namespace chorus::server {

prometheus::MetricFamily gaugeFamily(std::string name, std::string help) {
  return {std::move(name), std::move(help), prometheus::MetricType::Gauge, {}};
}

prometheus::MetricFamily counterFamily(std::string name, std::string help) {
  return {std::move(name), std::move(help), prometheus::MetricType::Counter, {}};
}

void addSample(prometheus::MetricFamily& family, double value, MetricLabels labels) {
  prometheus::ClientMetric metric;
  for (const auto& [name, labelValue] : labels) {
    metric.label.push_back({name, labelValue});
  }
  if (family.type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(std::move(metric));
}

}  // namespace chorus::server
