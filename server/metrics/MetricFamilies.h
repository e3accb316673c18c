#pragma once

#include <initializer_list>
#include <string>
#include <utility>

#include <prometheus/metric_family.h>

#include "server/metrics/HistogramSum.h"

namespace chorus::server {

// Small builders for the metric families that collectors compute at scrape time.
prometheus::MetricFamily gaugeFamily(std::string name, std::string help);
prometheus::MetricFamily counterFamily(std::string name, std::string help);
prometheus::MetricFamily histogramFamily(std::string name, std::string help);

using MetricLabels = std::initializer_list<std::pair<std::string, std::string>>;

// Appends one sample to `family`, as a gauge or counter according to the family's type.
void addSample(prometheus::MetricFamily& family, double value, MetricLabels labels = {});
// Appends one histogram to a histogram family.
void addHistogram(prometheus::MetricFamily& family, const HistogramSum& histogram,
                  MetricLabels labels = {});

}  // namespace chorus::server
