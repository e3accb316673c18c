#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace chorus::media::testing {

// OpenSSL 3.0 times DTLS retransmissions with gettimeofday() and offers no hook to replace it
// (see the note in media/security/DtlsEndpoint.cpp). This test binary defines gettimeofday()
// itself: while a FakeWallClock lives, it returns the clock's time, so OpenSSL's timer and the
// time the tests pass to DtlsEndpoint are one clock. Without one it returns the real time.
class FakeWallClock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit FakeWallClock(TimePoint start);
  ~FakeWallClock();
  FakeWallClock(const FakeWallClock&) = delete;
  FakeWallClock& operator=(const FakeWallClock&) = delete;

  TimePoint now() const noexcept;
  void advanceTo(TimePoint time) noexcept;

  // The live clock's time in microseconds, if there is one (what gettimeofday() returns).
  static std::optional<std::int64_t> activeMicroseconds() noexcept;

 private:
  std::atomic<std::int64_t> microseconds_{0};
};

}  // namespace chorus::media::testing
