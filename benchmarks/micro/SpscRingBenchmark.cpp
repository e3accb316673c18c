// Handing packets between shards: the single-producer single-consumer ring a room spilled over
// several workers sends its packets through (issue 6). Two threads, so the figures depend on
// whether the two cores are free: compare runs on the same machine only.
#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

#include <benchmark/benchmark.h>

#include "media/routing/SpscRing.h"

namespace {

// A pointer-sized item, like the PacketRef or slot pointer the router hands over.
using Ring = chorus::media::SpscRing<std::uint64_t, 1024>;

// Spins briefly, then yields: the benchmark machine's cores are shared.
void backOff(int& spins) {
  if (++spins > 64) {
    spins = 0;
    std::this_thread::yield();
  }
}

// One producer streams values to a consumer thread that drains them: throughput.
void spscRingStream(benchmark::State& state) {
  auto ring = std::make_unique<Ring>();
  std::atomic<bool> producing{true};
  std::uint64_t consumed = 0;
  std::thread consumer([&] {
    std::uint64_t value = 0;
    int spins = 0;
    for (;;) {
      if (ring->tryPop(value)) {
        benchmark::DoNotOptimize(value);
        ++consumed;
      } else if (!producing.load(std::memory_order_acquire)) {
        if (!ring->tryPop(value)) {
          return;
        }
        ++consumed;
      } else {
        backOff(spins);
      }
    }
  });

  std::uint64_t next = 0;
  int spins = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    while (!ring->tryPush(std::uint64_t{next})) {
      backOff(spins);
    }
    ++next;
  }
  producing.store(false, std::memory_order_release);
  consumer.join();
  if (consumed != next) {
    state.SkipWithError("the consumer lost values");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(spscRingStream)->UseRealTime();

// A value goes to an echo thread through one ring and comes back through another: the
// round-trip latency of a hand-over (items/s is round trips per second).
void spscRingPingPong(benchmark::State& state) {
  auto toEcho = std::make_unique<Ring>();
  auto back = std::make_unique<Ring>();
  std::atomic<bool> running{true};
  std::thread echo([&] {
    std::uint64_t value = 0;
    int spins = 0;
    while (running.load(std::memory_order_acquire)) {
      if (toEcho->tryPop(value)) {
        while (!back->tryPush(std::uint64_t{value})) {
          backOff(spins);
        }
      } else {
        backOff(spins);
      }
    }
  });

  std::uint64_t next = 0;
  int spins = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    while (!toEcho->tryPush(std::uint64_t{next})) {
      backOff(spins);
    }
    std::uint64_t answer = 0;
    while (!back->tryPop(answer)) {
      backOff(spins);
    }
    if (answer != next) {
      state.SkipWithError("the echo answered out of order");
      break;
    }
    ++next;
  }
  running.store(false, std::memory_order_release);
  echo.join();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(spscRingPingPong)->UseRealTime();

}  // namespace
