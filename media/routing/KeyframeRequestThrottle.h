#pragma once

#include <chrono>
#include <optional>

namespace chorus::media {

// Merges the keyframe requests (PLI, RFC 4585 §6.3.1; FIR, RFC 5104 §4.3.1) of every subscriber
// of one published stream into at most one request to the publisher per minInterval: a
// subscriber joining or losing sync asks; the SFU must not pass on a PLI storm, since each one
// makes the publisher send a large keyframe.
//
// A request arriving inside the interval is not dropped but remembered, and due() reports it
// once the interval has passed, so the subscriber that asked still gets its keyframe.
// Single-threaded (owned by the publisher's shard); time is passed in.
class KeyframeRequestThrottle {
 public:
  explicit KeyframeRequestThrottle(std::chrono::nanoseconds minInterval) noexcept;

  // A subscriber asks for a keyframe. True when the caller should send a request to the
  // publisher now: the first, or at least minInterval after the last one sent.
  bool request(std::chrono::steady_clock::time_point now) noexcept;
  // True, once, when a request held back by the interval should now be sent.
  bool due(std::chrono::steady_clock::time_point now) noexcept;
  // A keyframe arrived from the publisher: it satisfies a held-back request. The interval still
  // runs from the last request sent.
  void keyframeReceived() noexcept;

  bool pending() const noexcept { return pending_; }
  // When due() will next return true, for the caller's timer; nothing when no request waits.
  std::optional<std::chrono::steady_clock::time_point> dueAt() const noexcept;

 private:
  bool intervalPassed(std::chrono::steady_clock::time_point now) const noexcept;

  std::chrono::nanoseconds minInterval_;
  std::optional<std::chrono::steady_clock::time_point> lastSent_;
  bool pending_ = false;
};

}  // namespace chorus::media
