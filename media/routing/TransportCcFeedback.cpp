#include "media/routing/TransportCcFeedback.h"

#include <algorithm>
#include <limits>

namespace chorus::media {

namespace {

constexpr std::int64_t kDeltaTickUs = RtcpTransportFeedback::kDeltaTick.count();
constexpr std::int64_t kReferenceTickUs = RtcpTransportFeedback::kReferenceTimeTick.count();
// The reference time is a 24-bit field that wraps; the builder takes it as a signed value.
constexpr std::int64_t kReferenceTimeModulus = std::int64_t{1} << 24;

std::int64_t floorDiv(std::int64_t value, std::int64_t divisor) noexcept {
  const std::int64_t quotient = value / divisor;
  return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}

}  // namespace

TransportCcFeedback::TransportCcFeedback(std::uint32_t senderSsrc) noexcept
    : senderSsrc_(senderSsrc) {
  arrivals_.fill(kNotReceived);
}

void TransportCcFeedback::onPacket(std::uint32_t mediaSsrc, std::uint16_t sequenceNumber,
                                   TimePoint arrival) noexcept {
  const std::int64_t arrivalUs =
      std::chrono::duration_cast<std::chrono::microseconds>(arrival.time_since_epoch()).count();
  mediaSsrc_ = mediaSsrc;
  if (!started_) {
    started_ = true;
    highest_ = sequenceNumber;
    nextToReport_ = sequenceNumber;
    arrivalOf(highest_) = arrivalUs;
    return;
  }
  // The nearest extension to the highest seen (RFC 3550 §A.1, for a 16-bit counter).
  const std::int64_t extended =
      highest_ + static_cast<std::int16_t>(static_cast<std::uint16_t>(
                     sequenceNumber - static_cast<std::uint16_t>(highest_)));
  if (extended < nextToReport_) {
    ++lateRefused_;
    return;
  }
  if (extended > highest_) {
    // The slots the new sequence numbers take are cleared; what they held, if not reported yet,
    // is dropped from the feedback.
    constexpr auto kHistorySpan = static_cast<std::int64_t>(kHistory);
    const std::int64_t cleared = std::min(extended - highest_, kHistorySpan);
    for (std::int64_t e = extended - cleared + 1; e <= extended; ++e) {
      arrivalOf(e) = kNotReceived;
    }
    nextToReport_ = std::max<std::int64_t>(nextToReport_, extended - kHistorySpan + 1);
    highest_ = extended;
  }
  std::int64_t& slot = arrivalOf(extended);
  if (slot == kNotReceived) {
    slot = arrivalUs;  // a duplicate keeps the first arrival
  }
}

std::optional<std::size_t> TransportCcFeedback::write(std::span<std::uint8_t> out) noexcept {
  if (!hasPending()) {
    return std::nullopt;
  }
  // The highest sequence number was received, so this finds one.
  std::int64_t firstReceived = nextToReport_;
  while (arrivalOf(firstReceived) == kNotReceived) {
    ++firstReceived;
  }
  const std::int64_t begin =
      firstReceived - nextToReport_ > kMaxLeadingLoss ? firstReceived : nextToReport_;

  // The reference time: the first arrival in 64 ms units, reduced to the 24-bit field's signed
  // range; the arrival times passed to the builder are shifted by the same amount, which keeps
  // every delta.
  const std::int64_t referenceTicks = floorDiv(arrivalOf(firstReceived), kReferenceTickUs);
  std::int64_t referenceTime = referenceTicks % kReferenceTimeModulus;
  if (referenceTime >= kReferenceTimeModulus / 2) {
    referenceTime -= kReferenceTimeModulus;
  }
  const std::int64_t shiftUs = (referenceTicks - referenceTime) * kReferenceTickUs;

  std::size_t count = 0;
  std::int64_t previousTicks = referenceTicks * (kReferenceTickUs / kDeltaTickUs);
  std::int64_t next = begin;
  for (; next <= highest_ && count < statuses_.size(); ++next) {
    const std::int64_t arrivalUs = arrivalOf(next);
    auto& status = statuses_[count];
    status.sequenceNumber = static_cast<std::uint16_t>(next);
    status.arrivalTime.reset();
    if (arrivalUs != kNotReceived) {
      // Draft §3.1.5: a receive delta is a signed 16-bit count of 250 us ticks.
      const std::int64_t ticks = floorDiv(arrivalUs, kDeltaTickUs);
      const std::int64_t delta = ticks - previousTicks;
      if (delta < std::numeric_limits<std::int16_t>::min() ||
          delta > std::numeric_limits<std::int16_t>::max()) {
        break;
      }
      previousTicks = ticks;
      status.arrivalTime = std::chrono::microseconds(arrivalUs - shiftUs);
    }
    ++count;
  }
  const RtcpTransportFeedback::FeedbackInfo info{
      .senderSsrc = senderSsrc_,
      .mediaSsrc = mediaSsrc_,
      .referenceTime = static_cast<std::int32_t>(referenceTime),
      .feedbackPacketCount = feedbackCount_};
  const auto size = RtcpTransportFeedback::build(out.first(std::min(out.size(), kMaxFeedbackSize)),
                                                 info, std::span(statuses_).first(count));
  if (size) {
    nextToReport_ = next;
    ++feedbackCount_;
  }
  return size;
}

}  // namespace chorus::media
