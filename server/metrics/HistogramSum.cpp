#include "server/metrics/HistogramSum.h"

#include <cassert>
#include <limits>
#include <numeric>

namespace chorus::server {

HistogramSum::HistogramSum(std::span<const double> bounds)
    : bounds_(bounds), buckets_(bounds.size() + 1, 0) {}

void HistogramSum::add(const media::FixedHistogram& histogram) {
  assert(histogram.bounds().data() == bounds_.data() && "histograms of different bounds");
  for (std::size_t index = 0; index < buckets_.size(); ++index) {
    buckets_[index] += histogram.bucket(index);
  }
  sum_ += histogram.sum();
}

std::uint64_t HistogramSum::count() const {
  return std::accumulate(buckets_.begin(), buckets_.end(), std::uint64_t{0});
}

prometheus::ClientMetric::Histogram HistogramSum::toPrometheus() const {
  prometheus::ClientMetric::Histogram histogram;
  std::uint64_t cumulative = 0;
  for (std::size_t index = 0; index < buckets_.size(); ++index) {
    cumulative += buckets_[index];
    const double bound =
        index < bounds_.size() ? bounds_[index] : std::numeric_limits<double>::infinity();
    histogram.bucket.push_back({cumulative, bound});
  }
  // The count is the +Inf bucket's, so the two always agree, whatever a worker added between
  // the reads of its buckets.
  histogram.sample_count = cumulative;
  histogram.sample_sum = sum_;
  return histogram;
}

}  // namespace chorus::server
