#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <limits>

#include "media/wire/PacketPool.h"

namespace chorus::bench {
namespace detail {

inline std::int64_t steadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline std::int64_t realtimeNs() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

// The steady clock's reading minus the realtime clock's, from the tightest of a few reads of
// the realtime clock bracketed by two of the steady one: a thread preempted between two reads
// would otherwise shift every arrival by the time it lost.
inline std::int64_t steadyMinusRealtimeNs() {
  std::int64_t best = 0;
  std::int64_t tightest = std::numeric_limits<std::int64_t>::max();
  for (int attempt = 0; attempt < 5; ++attempt) {
    const std::int64_t before = steadyNs();
    const std::int64_t realtime = realtimeNs();
    const std::int64_t after = steadyNs();
    if (after - before < tightest) {
      tightest = after - before;
      best = before + (after - before) / 2 - realtime;
    }
  }
  return best;
}

}  // namespace detail

// When `slot` arrived, on the steady clock the senders stamp their send times with. The kernel
// stamps arrivals on the realtime clock (SO_TIMESTAMPNS); the two clocks run at the same rate,
// so their offset, measured once a second on each thread, moves a stamp onto the steady clock.
// A packet that waited in its socket while the harness's loop was busy elsewhere is not charged
// that wait. Without a stamp: now.
inline std::chrono::steady_clock::time_point arrivalTime(const media::PacketSlot& slot) {
  const auto now = std::chrono::steady_clock::now();
  if (slot.arrivalRealtimeNs == 0) {
    return now;
  }
  thread_local std::int64_t offsetNs = 0;
  thread_local std::chrono::steady_clock::time_point measuredAt{};
  if (now - measuredAt > std::chrono::seconds(1)) {
    offsetNs = detail::steadyMinusRealtimeNs();
    measuredAt = now;
  }
  const std::chrono::steady_clock::time_point arrival{
      std::chrono::nanoseconds(slot.arrivalRealtimeNs + offsetNs)};
  return std::min(arrival, now);
}

}  // namespace chorus::bench
