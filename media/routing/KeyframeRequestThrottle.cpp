#include "media/routing/KeyframeRequestThrottle.h"

namespace chorus::media {

KeyframeRequestThrottle::KeyframeRequestThrottle(std::chrono::nanoseconds minInterval) noexcept
    : minInterval_(minInterval) {}

bool KeyframeRequestThrottle::request(std::chrono::steady_clock::time_point now) noexcept {
  if (intervalPassed(now)) {
    lastSent_ = now;
    pending_ = false;
    return true;
  }
  pending_ = true;
  return false;
}

bool KeyframeRequestThrottle::due(std::chrono::steady_clock::time_point now) noexcept {
  if (!pending_ || !intervalPassed(now)) {
    return false;
  }
  lastSent_ = now;
  pending_ = false;
  return true;
}

void KeyframeRequestThrottle::keyframeReceived() noexcept {
  pending_ = false;
}

std::optional<std::chrono::steady_clock::time_point> KeyframeRequestThrottle::dueAt()
    const noexcept {
  if (!pending_ || !lastSent_) {
    return std::nullopt;
  }
  return *lastSent_ + minInterval_;
}

bool KeyframeRequestThrottle::intervalPassed(
    std::chrono::steady_clock::time_point now) const noexcept {
  return !lastSent_ || now - *lastSent_ >= minInterval_;
}

}  // namespace chorus::media
