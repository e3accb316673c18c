#include "server/metrics/MetricFamilies.h"

namespace chorus::server {

prometheus::MetricFamily gaugeFamily(std::string name, std::string help) {
  return {std::move(name), std::move(help), prometheus::MetricType::Gauge, {}};
}

prometheus::MetricFamily counterFamily(std::string name, std::string help) {
  return {std::move(name), std::move(help), prometheus::MetricType::Counter, {}};
}

prometheus::MetricFamily histogramFamily(std::string name, std::string help) {
  return {std::move(name), std::move(help), prometheus::MetricType::Histogram, {}};
}

namespace {

prometheus::ClientMetric labelled(MetricLabels labels) {
  prometheus::ClientMetric metric;
  for (const auto& [name, labelValue] : labels) {
    metric.label.push_back({name, labelValue});
  }
  return metric;
}

}  // namespace

void addHistogram(prometheus::MetricFamily& family, const HistogramSum& histogram,
                  MetricLabels labels) {
  prometheus::ClientMetric metric = labelled(labels);
  metric.histogram = histogram.toPrometheus();
  family.metric.push_back(std::move(metric));
}

void addSample(prometheus::MetricFamily& family, double value, MetricLabels labels) {
  prometheus::ClientMetric metric = labelled(labels);
  if (family.type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(std::move(metric));
}

}  // namespace chorus::server
