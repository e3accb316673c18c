#pragma once

#include <atomic>
#include <cstdint>

namespace chorus::media {

// A counter with one writer (its shard's thread) and any number of readers (the metrics scrape).
// With one writer a relaxed load + store is exact and avoids the locked read-modify-write that
// fetch_add costs on the packet path; readers may see a value a few packets old, never a torn one.
class RelaxedCounter {
 public:
  void add(std::uint64_t amount = 1) noexcept {
    value_.store(value_.load(std::memory_order_relaxed) + amount, std::memory_order_relaxed);
  }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

}  // namespace chorus::media
