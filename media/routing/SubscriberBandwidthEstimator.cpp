#include "media/routing/SubscriberBandwidthEstimator.h"

#include <algorithm>
#include <cmath>

namespace chorus::media {

namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;

// Feedbacks further apart than this (on the subscriber's receive clock) are not chained: the
// stream paused, and the idle time says nothing about the path.
constexpr std::int64_t kMaxChainGap = 500'000;
// The ceiling of the increase: longer gaps between feedbacks grow the estimate no further.
constexpr double kMaxIncreaseInterval = 1.0;
constexpr double kBitsPerByte = 8.0;
constexpr double kMicrosPerSecond = 1e6;

std::int64_t micros(SubscriberBandwidthEstimator::TimePoint time) noexcept {
  return duration_cast<microseconds>(time.time_since_epoch()).count();
}

}  // namespace

void SubscriberBandwidthEstimator::onPacketSent(std::uint16_t sequenceNumber, std::size_t size,
                                                TimePoint now) noexcept {
  sent_[sequenceNumber & (kHistory - 1)] = {micros(now), static_cast<std::uint32_t>(size),
                                            sequenceNumber, true};
}

void SubscriberBandwidthEstimator::onFeedback(const RtcpTransportFeedback& feedback,
                                              TimePoint now) noexcept {
  Summary summary;
  // Draft §3.1: the first receive delta is relative to the reference time, each next one to
  // the previous received packet's.
  std::int64_t arrival =
      feedback.referenceTime() *
      static_cast<std::int64_t>(RtcpTransportFeedback::kReferenceTimeTick.count());
  std::optional<std::int64_t> spanStart = lastArrival_;
  // Also backwards: the 24-bit reference time wraps (about every 12 days of 64 ms ticks).
  if (spanStart && (arrival - *spanStart > kMaxChainGap || *spanStart - arrival > kMaxChainGap)) {
    spanStart.reset();
    lastArrival_.reset();
  }
  for (auto cursor = feedback.statuses(); const auto status = cursor.next();) {
    const SendRecord& record = sent_[status->sequenceNumber & (kHistory - 1)];
    const bool known = record.valid && record.sequenceNumber == status->sequenceNumber;
    if (status->status == RtcpTransportFeedback::Status::kNotReceived) {
      if (known) {
        ++summary.lost;
      } else {
        ++unknownReported_;
      }
      continue;
    }
    arrival += status->receiveDelta.count();
    if (!known) {
      ++unknownReported_;
      continue;
    }
    ++summary.received;
    if (lastArrival_) {
      // gcc-02 §5.1: d(i) = t(i) - t(i-1) - (T(i) - T(i-1)).
      summary.delayGrowth += (arrival - *lastArrival_) - (record.sentAt - lastSentAt_);
    }
    if (spanStart) {
      summary.ackedBytes += record.size;
    } else {
      spanStart = arrival;  // the first packet's bytes arrived before the span
    }
    lastArrival_ = arrival;
    lastSentAt_ = record.sentAt;
  }
  if (summary.received + summary.lost == 0) {
    return;
  }
  summary.receiveSpan =
      spanStart && lastArrival_ ? std::max<std::int64_t>(*lastArrival_ - *spanStart, 0) : 0;
  window_[feedbacks_ % kWindow] = summary;
  ++feedbacks_;
  update(now);
}

std::optional<std::uint64_t> SubscriberBandwidthEstimator::acknowledgedRate() const noexcept {
  std::uint64_t bytes = 0;
  std::int64_t span = 0;
  for (const Summary& summary : window_) {
    bytes += summary.ackedBytes;
    span += summary.receiveSpan;
  }
  if (span <= 0) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(static_cast<double>(bytes) * kBitsPerByte * kMicrosPerSecond /
                                    static_cast<double>(span));
}

double SubscriberBandwidthEstimator::lossFraction() const noexcept {
  std::uint64_t received = 0;
  std::uint64_t lost = 0;
  for (const Summary& summary : window_) {
    received += summary.received;
    lost += summary.lost;
  }
  return received + lost == 0 ? 0.0
                              : static_cast<double>(lost) / static_cast<double>(received + lost);
}

bool SubscriberBandwidthEstimator::overusing() const noexcept {
  if (feedbacks_ == 0) {
    return false;
  }
  std::int64_t growth = 0;
  for (const Summary& summary : window_) {
    growth += summary.delayGrowth;
  }
  // gcc-02 §5.4: overuse is a delay gradient above the threshold that is not yet shrinking.
  const Summary& latest = window_[(feedbacks_ - 1) % kWindow];
  return growth > kOveruseThreshold.count() && latest.delayGrowth > 0;
}

void SubscriberBandwidthEstimator::update(TimePoint now) noexcept {
  const std::optional<std::uint64_t> acked = acknowledgedRate();
  const double loss = lossFraction();
  auto estimate = static_cast<double>(estimate_);
  if (overusing() || loss > kHighLoss) {
    // gcc-02 §5.5: A(i) = beta * R(i), below what the path just delivered.
    estimate = kDecreaseFactor * static_cast<double>(acked.value_or(estimate_));
  } else if (loss < kLowLoss && lastUpdate_) {
    const double seconds =
        std::min(std::chrono::duration<double>(now - *lastUpdate_).count(), kMaxIncreaseInterval);
    estimate *= std::pow(kIncreasePerSecond, std::max(seconds, 0.0));
  }
  if (acked) {
    estimate = std::min(estimate, kAckedCeiling * static_cast<double>(*acked) +
                                      static_cast<double>(kIncreaseMargin));
  }
  estimate_ = std::clamp(static_cast<std::uint64_t>(estimate), kMinBitrate, kMaxBitrate);
  lastUpdate_ = now;
}

}  // namespace chorus::media
