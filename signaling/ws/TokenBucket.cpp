#include "signaling/ws/TokenBucket.h"

#include <algorithm>

namespace chorus::signaling {

bool TokenBucket::take(Clock::time_point now) {
  if (now > last_) {
    const std::chrono::duration<double> elapsed = now - last_;
    tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_);
    last_ = now;
  }
  if (tokens_ < 1.0) {
    return false;
  }
  tokens_ -= 1.0;
  return true;
}

}  // namespace chorus::signaling
