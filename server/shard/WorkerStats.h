#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "media/stats/FixedHistogram.h"

namespace chorus::server {

// Event-loop lag: how late a 20 ms tick fires. Under a millisecond on an idle machine; tens of
// milliseconds mean the worker is saturated or starved of CPU.
inline constexpr std::array<double, 11> kLoopLagBoundsSeconds{
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25};

// How a shard's event loop is doing, written by its thread and read by the metrics scrape.
struct WorkerStats {
  media::FixedHistogram loopLag{kLoopLagBoundsSeconds};
  std::atomic<std::uint64_t> poolInUse{0};  // packet slots in use at the last tick
};

}  // namespace chorus::server
