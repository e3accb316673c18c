#include "media/stats/FixedHistogram.h"

#include <cassert>

namespace chorus::media {

FixedHistogram::FixedHistogram(std::span<const double> bounds) noexcept : bounds_(bounds) {
  assert(bounds.size() <= kMaxBounds && "too many histogram buckets");
}

void FixedHistogram::observe(double value) noexcept {
  std::size_t index = 0;
  while (index < bounds_.size() && value > bounds_[index]) {
    ++index;
  }
  buckets_[index].add();
  // One writer: load + store is exact, as in RelaxedCounter.
  sum_.store(sum_.load(std::memory_order_relaxed) + value, std::memory_order_relaxed);
}

}  // namespace chorus::media
