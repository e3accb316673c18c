#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "media/wire/RtcpTransportFeedback.h"

namespace chorus::media {

// The server as the sender on a subscriber's transport: how much the subscriber's downlink
// takes, from its transport-cc feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01).
//
// Every RTP packet the server sends on the transport carries the next transport-wide sequence
// number; onPacketSent records its send time and size in a fixed ring (kHistory packets, no
// allocation). Each feedback maps the reported sequence numbers back to those records and
// yields, for the window of the last kWindow feedbacks:
// - the acknowledged rate: bytes received over the span of their receive times (the first
//   packet's bytes excluded: they arrived before the span started);
// - the loss fraction: packets reported not received over packets reported;
// - the queuing-delay growth: the sum, over consecutive received packets, of the inter-arrival
//   minus the inter-departure time (draft-ietf-rmcat-gcc-02 §5.1's delay variation d(i)). It
//   telescopes to how much longer the last packet of the window took than the first, so jitter
//   cancels and only a standing queue that keeps growing remains.
//
// The estimate follows the ideas of draft-ietf-rmcat-gcc-02, simplified (no Kalman filter, no
// adaptive threshold, no separate loss- and delay-based controllers):
// - overuse (§5.3) is a delay growth over the window above kOveruseThreshold while the latest
//   feedback still grows it; on overuse, or a loss fraction above kHighLoss (§6: "more than
//   10%"), the estimate drops to kDecreaseFactor (§5.5's beta) of the acknowledged rate;
// - with a loss fraction under kLowLoss (§6: "less than 2%") and no overuse, it grows by
//   kIncreasePerSecond multiplicatively (§5.5's "increase" state, eta^t);
// - in any state it stays under kAckedCeiling times the acknowledged rate plus kIncreaseMargin
//   (§5.5: the estimate must not diverge from what the sender actually sends), and within
//   kMinBitrate..kMaxBitrate.
//
// Single-threaded (owned by the subscriber's shard); no allocation.
class SubscriberBandwidthEstimator {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // A power of two: about 1.9 s of 10 Mbit/s video in 1200-byte packets, far more than the
  // 50-250 ms between browsers' feedbacks.
  static constexpr std::size_t kHistory = 2048;
  static constexpr std::size_t kWindow = 4;  // feedbacks: 200 ms to 1 s of Chrome's
  static constexpr std::uint64_t kStartBitrate = 1'000'000;
  static constexpr std::uint64_t kMinBitrate = 50'000;
  static constexpr std::uint64_t kMaxBitrate = 20'000'000;
  static constexpr std::uint64_t kIncreaseMargin = 100'000;
  static constexpr double kDecreaseFactor = 0.85;
  static constexpr double kIncreasePerSecond = 1.08;
  static constexpr double kAckedCeiling = 1.5;
  static constexpr double kHighLoss = 0.10;
  static constexpr double kLowLoss = 0.02;
  static constexpr std::chrono::microseconds kOveruseThreshold{10'000};

  // The packet carrying transport-wide sequence number `sequenceNumber` was sent at `now` with
  // `size` bytes (all of its RTP bytes: the estimate is of the transport's rate).
  void onPacketSent(std::uint16_t sequenceNumber, std::size_t size, TimePoint now) noexcept;

  // The subscriber's feedback arrived at `now`.
  void onFeedback(const RtcpTransportFeedback& feedback, TimePoint now) noexcept;

  // Bits per second.
  std::uint64_t estimate() const noexcept { return estimate_; }
  // Over the window; nothing before a feedback reported two received packets apart in time.
  std::optional<std::uint64_t> acknowledgedRate() const noexcept;
  double lossFraction() const noexcept;
  bool overusing() const noexcept;
  // Reported sequence numbers with no send record (too old, or never sent).
  std::uint64_t unknownReported() const noexcept { return unknownReported_; }

 private:
  struct SendRecord {
    std::int64_t sentAt = 0;  // microseconds of the steady clock
    std::uint32_t size = 0;
    std::uint16_t sequenceNumber = 0;
    bool valid = false;
  };
  // What one feedback reported.
  struct Summary {
    std::uint64_t ackedBytes = 0;
    std::int64_t receiveSpan = 0;  // microseconds
    std::uint32_t received = 0;
    std::uint32_t lost = 0;
    std::int64_t delayGrowth = 0;  // microseconds
  };

  void update(TimePoint now) noexcept;

  std::array<SendRecord, kHistory> sent_{};
  std::array<Summary, kWindow> window_{};
  std::size_t feedbacks_ = 0;
  // The last received packet of the previous feedbacks, to chain delay variation across them.
  std::optional<std::int64_t> lastArrival_;
  std::int64_t lastSentAt_ = 0;
  std::optional<TimePoint> lastUpdate_;
  std::uint64_t estimate_ = kStartBitrate;
  std::uint64_t unknownReported_ = 0;
};

}  // namespace chorus::media
