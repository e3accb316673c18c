#include "FakeWallClock.h"

#include <atomic>
#include <cstdint>
#include <ctime>

#include <sys/time.h>

namespace chorus::media::testing {
namespace {

std::atomic<bool> fakeActive{false};
std::atomic<std::int64_t> fakeMicroseconds{0};

}  // namespace

FakeWallClock::FakeWallClock(TimePoint start) {
  advanceTo(start);
  fakeActive.store(true);
}

FakeWallClock::~FakeWallClock() { fakeActive.store(false); }

FakeWallClock::TimePoint FakeWallClock::now() const noexcept {
  return TimePoint(std::chrono::microseconds(fakeMicroseconds.load()));
}

void FakeWallClock::advanceTo(TimePoint time) noexcept {
  fakeMicroseconds.store(
      std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count());
}

}  // namespace chorus::media::testing

// Replaces the C library's gettimeofday() for the whole test binary (OpenSSL's libssl calls it
// through the dynamic linker, which finds this definition first).
// NOLINTNEXTLINE(readability-identifier-naming,readability-inconsistent-declaration-parameter-name)
extern "C" int gettimeofday(struct timeval* __restrict tv, void* __restrict /*tz*/) noexcept {
  constexpr std::int64_t kMicrosecondsPerSecond = 1'000'000;
  std::int64_t micros = 0;
  if (chorus::media::testing::fakeActive.load()) {
    micros = chorus::media::testing::fakeMicroseconds.load();
  } else {
    timespec real{};
    clock_gettime(CLOCK_REALTIME, &real);
    micros = static_cast<std::int64_t>(real.tv_sec) * kMicrosecondsPerSecond + real.tv_nsec / 1000;
  }
  tv->tv_sec = static_cast<time_t>(micros / kMicrosecondsPerSecond);
  tv->tv_usec = static_cast<suseconds_t>(micros % kMicrosecondsPerSecond);
  return 0;
}
