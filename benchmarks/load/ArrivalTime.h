#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>

#include "media/wire/PacketPool.h"

namespace chorus::bench {

// When `slot` arrived, on the steady clock the senders stamp their send times with. The kernel
// stamps arrivals on the realtime clock (SO_TIMESTAMPNS); the stamp's age, taken on that same
// clock now, is subtracted from the steady clock's now. So a packet that waited in the socket
// while the harness's loop was busy is not charged that wait. Without a stamp: now.
inline std::chrono::steady_clock::time_point arrivalTime(const media::PacketSlot& slot) {
  const auto now = std::chrono::steady_clock::now();
  if (slot.arrivalRealtimeNs == 0) {
    return now;
  }
  timespec realtime{};
  ::clock_gettime(CLOCK_REALTIME, &realtime);
  const std::chrono::nanoseconds age{std::int64_t{realtime.tv_sec} * 1'000'000'000 +
                                     realtime.tv_nsec - slot.arrivalRealtimeNs};
  return now - std::max(age, std::chrono::nanoseconds::zero());
}

}  // namespace chorus::bench
