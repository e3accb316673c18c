#pragma once

#include <chrono>

namespace chorus::signaling {

// A token bucket: `rate` tokens a second refill it up to `burst`; each message takes one.
// Time is passed in, so tests drive it with a fake clock.
class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  TokenBucket(double ratePerSecond, double burst, Clock::time_point now)
      : rate_(ratePerSecond), burst_(burst), tokens_(burst), last_(now) {}

  // Takes one token if there is one; false means the caller is over its rate.
  bool take(Clock::time_point now);

 private:
  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace chorus::signaling
