#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

#include "media/stats/RelaxedCounter.h"

namespace chorus::media {

// A histogram with fixed bucket bounds and one writer (a worker's thread, or the control
// thread), read by the metrics scrape from any thread. Observing is a short scan of the bounds
// and relaxed stores: no lock and no allocation, so it may sit on the packet path, where a
// prometheus-cpp Histogram (which takes a mutex) may not. The scrape adds the workers' buckets
// and writes a Prometheus histogram.
class FixedHistogram {
 public:
  static constexpr std::size_t kMaxBounds = 15;

  // `bounds`: ascending finite upper bounds, at most kMaxBounds, outliving the histogram (a
  // static array); a last bucket takes what is above them all (Prometheus's +Inf).
  explicit FixedHistogram(std::span<const double> bounds) noexcept;

  void observe(double value) noexcept;

  std::span<const double> bounds() const noexcept { return bounds_; }
  // Observations in bucket `index` alone (not cumulative): at most bounds()[index], and above
  // the bound before; index bounds().size() is the overflow bucket.
  std::uint64_t bucket(std::size_t index) const noexcept { return buckets_[index].value(); }
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  std::span<const double> bounds_;
  std::array<RelaxedCounter, kMaxBounds + 1> buckets_;
  std::atomic<double> sum_{0};
};

}  // namespace chorus::media
