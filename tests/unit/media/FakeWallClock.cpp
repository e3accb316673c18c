#include "FakeWallClock.h"

#include <ctime>
#include <sys/time.h>

namespace chorus::media::testing {
namespace {

std::atomic<const FakeWallClock*> active{nullptr};

}  // namespace

FakeWallClock::FakeWallClock(TimePoint start) {
  advanceTo(start);
  active.store(this);
}

FakeWallClock::~FakeWallClock() {
  active.store(nullptr);
}

FakeWallClock::TimePoint FakeWallClock::now() const noexcept {
  return TimePoint(std::chrono::microseconds(microseconds_.load()));
}

void FakeWallClock::advanceTo(TimePoint time) noexcept {
  microseconds_.store(
      std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count());
}

std::optional<std::int64_t> FakeWallClock::activeMicroseconds() noexcept {
  const FakeWallClock* clock = active.load();
  if (clock == nullptr) {
    return std::nullopt;
  }
  return clock->microseconds_.load();
}

}  // namespace chorus::media::testing

// Replaces the C library's gettimeofday() for the whole test binary: libssl calls it through
// the dynamic linker, which finds this definition first.
// NOLINTNEXTLINE(readability-identifier-naming,readability-inconsistent-declaration-parameter-name)
extern "C" int gettimeofday(struct timeval* __restrict tv, void* __restrict /*tz*/) noexcept {
  constexpr std::int64_t kMicrosecondsPerSecond = 1'000'000;
  constexpr std::int64_t kNanosecondsPerMicrosecond = 1'000;
  auto micros = chorus::media::testing::FakeWallClock::activeMicroseconds();
  if (!micros) {
    timespec real{};
    clock_gettime(CLOCK_REALTIME, &real);
    micros = static_cast<std::int64_t>(real.tv_sec) * kMicrosecondsPerSecond +
             real.tv_nsec / kNanosecondsPerMicrosecond;
  }
  tv->tv_sec = static_cast<time_t>(*micros / kMicrosecondsPerSecond);
  tv->tv_usec = static_cast<suseconds_t>(*micros % kMicrosecondsPerSecond);
  return 0;
}
