#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace chorus::media {

// A bounded, lock-free ring between exactly one producer thread and one consumer thread: how a
// shard hands packets (or their return) to another shard (docs/architecture.md). Storage is
// inline and fixed; nothing allocates, nothing blocks: a full ring makes tryPush fail and the
// caller counts a drop.
//
// head_ and tail_ count pops and pushes since construction and are never reduced modulo
// Capacity (a slot is index & kMask), so tail_ - head_ is the occupancy, all Capacity slots are
// usable, and the unsigned wrap after 2^64 operations is harmless because Capacity divides 2^64.
//
// Memory ordering: the producer writes a slot and then publishes it with a release store of
// tail_; the consumer's acquire load of tail_ therefore sees the slot's contents. Symmetrically
// the consumer moves a value out and then releases the slot with a release store of head_; the
// producer's acquire load of head_ guarantees that move finished before the slot is overwritten.
// Each side reads its own index relaxed, since only it writes that index.
//
// NOTE: each index, and each side's cached copy of the other side's index, sits on its own
// cache line. A side reloads the other's index (a cache miss on a line the other core writes)
// only when its cached copy says the ring looks full (producer) or empty (consumer), so in a
// steady stream the two cores rarely touch each other's lines.
template <typename T, std::size_t Capacity>
class SpscRing {
  static_assert(Capacity >= 2 && (Capacity & (Capacity - 1)) == 0,
                "Capacity must be a power of two");
  static_assert(std::is_nothrow_move_constructible_v<T>, "T must move without throwing");
  // The slots are an std::array of T, so T is default-constructed once and then move-assigned.
  static_assert(std::is_nothrow_move_assignable_v<T>, "T must move-assign without throwing");
  static_assert(std::is_nothrow_default_constructible_v<T>, "slots start as T{}");

 public:
  static constexpr std::size_t capacity() { return Capacity; }

  SpscRing() = default;
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;
  SpscRing(SpscRing&&) = delete;
  SpscRing& operator=(SpscRing&&) = delete;
  ~SpscRing() = default;

  // Producer thread only. Moves `value` in and returns true, or returns false (and leaves
  // `value` untouched) when the ring is full.
  bool tryPush(T&& value) noexcept {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - producerCachedHead_ == Capacity) {
      producerCachedHead_ = head_.load(std::memory_order_acquire);
      if (tail - producerCachedHead_ == Capacity) {
        return false;
      }
    }
    slots_[tail & kMask] = std::move(value);
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  // Consumer thread only. Moves the oldest value into `out` and returns true, or returns false
  // when the ring is empty. The slot keeps T's moved-from state until it is reused.
  bool tryPop(T& out) noexcept {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    if (head == consumerCachedTail_) {
      consumerCachedTail_ = tail_.load(std::memory_order_acquire);
      if (head == consumerCachedTail_) {
        return false;
      }
    }
    out = std::move(slots_[head & kMask]);
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  // Any thread (an occupancy gauge): a value the ring held at some moment during the call.
  // head_ is loaded first with acquire: it synchronises with the consumer's release store, whose
  // earlier acquire load of tail_ saw at least that head, so the tail_ loaded after it is never
  // behind it. Both may move meanwhile, hence the clamp to Capacity.
  std::size_t sizeApprox() const noexcept {
    const std::size_t head = head_.load(std::memory_order_acquire);
    const std::size_t tail = tail_.load(std::memory_order_acquire);
    const std::size_t size = tail - head;
    return size < Capacity ? size : Capacity;
  }

 private:
  static constexpr std::size_t kMask = Capacity - 1;
  static constexpr std::size_t kCacheLine = 64;

  // Written by the consumer, read by the producer when its cached copy says "full".
  alignas(kCacheLine) std::atomic<std::size_t> head_{0};
  // The consumer's private copy of tail_.
  alignas(kCacheLine) std::size_t consumerCachedTail_ = 0;
  // Written by the producer, read by the consumer when its cached copy says "empty".
  alignas(kCacheLine) std::atomic<std::size_t> tail_{0};
  // The producer's private copy of head_.
  alignas(kCacheLine) std::size_t producerCachedHead_ = 0;
  alignas(kCacheLine) std::array<T, Capacity> slots_{};
};

}  // namespace chorus::media
