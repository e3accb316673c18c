#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <prometheus/client_metric.h>

#include "media/stats/FixedHistogram.h"

namespace chorus::server {

// The sum of several workers' FixedHistograms with the same bounds, made at scrape time, and
// its Prometheus form (cumulative buckets, the last one +Inf).
class HistogramSum {
 public:
  explicit HistogramSum(std::span<const double> bounds);

  // Adds `histogram`'s buckets and sum; its bounds must be these.
  void add(const media::FixedHistogram& histogram);

  std::uint64_t count() const;
  double sum() const { return sum_; }
  prometheus::ClientMetric::Histogram toPrometheus() const;

 private:
  std::span<const double> bounds_;
  std::vector<std::uint64_t> buckets_;  // not cumulative; the last is above every bound
  double sum_ = 0;
};

}  // namespace chorus::server
