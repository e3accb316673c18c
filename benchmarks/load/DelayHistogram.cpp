#include "benchmarks/load/DelayHistogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace chorus::bench {

std::size_t DelayHistogram::bucketOf(std::uint64_t microseconds) noexcept {
  if (microseconds < kLinear) {
    return microseconds;
  }
  // kLinear = 2^7: the power of two at or below the value picks the group, its next six bits
  // the bucket within it.
  const auto exponent = static_cast<std::size_t>(std::bit_width(microseconds) - 1);
  const std::size_t shift = exponent - 6;
  const std::size_t bucket =
      kLinear + (exponent - 7) * kSubBuckets + ((microseconds >> shift) - kSubBuckets);
  return std::min(bucket, kBuckets - 1);
}

double DelayHistogram::lowerBoundUs(std::size_t bucket) noexcept {
  if (bucket < kLinear) {
    return static_cast<double>(bucket);
  }
  const std::size_t group = (bucket - kLinear) / kSubBuckets;
  const std::size_t within = (bucket - kLinear) % kSubBuckets;
  return std::ldexp(static_cast<double>(kSubBuckets + within), static_cast<int>(group + 1));
}

void DelayHistogram::add(std::chrono::nanoseconds delay) noexcept {
  const std::int64_t ns = std::max<std::int64_t>(delay.count(), 0);
  ++buckets_[bucketOf(static_cast<std::uint64_t>(ns) / 1000)];
  ++count_;
  maxNs_ = std::max(maxNs_, ns);
}

void DelayHistogram::merge(const DelayHistogram& other) noexcept {
  for (std::size_t i = 0; i < kBuckets; ++i) {
    buckets_[i] += other.buckets_[i];
  }
  count_ += other.count_;
  maxNs_ = std::max(maxNs_, other.maxNs_);
}

void DelayHistogram::clear() noexcept {
  buckets_.fill(0);
  count_ = 0;
  maxNs_ = 0;
}

double DelayHistogram::percentileUs(double fraction) const noexcept {
  if (count_ == 0) {
    return 0;
  }
  const auto rank = static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= std::max<std::uint64_t>(rank, 1)) {
      return std::min(lowerBoundUs(i), maxUs());
    }
  }
  return maxUs();
}

}  // namespace chorus::bench
