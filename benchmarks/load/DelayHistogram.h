#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace chorus::bench {

// One-way delays in a fixed log-linear histogram (no allocation per sample): microsecond
// buckets below 128 µs, then 64 buckets per power of two, so a percentile is within 1.6% of
// the true value, up to about 70 s.
class DelayHistogram {
 public:
  void add(std::chrono::nanoseconds delay) noexcept;
  void merge(const DelayHistogram& other) noexcept;
  void clear() noexcept;

  std::uint64_t count() const noexcept { return count_; }
  // The delay below which `fraction` of the samples lie, in microseconds; 0 with no sample.
  double percentileUs(double fraction) const noexcept;
  double maxUs() const noexcept { return static_cast<double>(maxNs_) / 1000.0; }

 private:
  static constexpr std::size_t kSubBuckets = 64;
  static constexpr std::size_t kLinear = 2 * kSubBuckets;
  static constexpr std::size_t kBuckets = kLinear + 20 * kSubBuckets;

  static std::size_t bucketOf(std::uint64_t microseconds) noexcept;
  static double lowerBoundUs(std::size_t bucket) noexcept;

  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
  std::int64_t maxNs_ = 0;
};

}  // namespace chorus::bench
