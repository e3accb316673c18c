#include "media/routing/ReceiveStatistics.h"

#include <algorithm>
#include <cstdlib>

namespace chorus::media {

namespace {

// The arrival time in units of the stream's clock (RFC 3550 §A.8), on an arbitrary origin: only
// differences of transit times matter.
std::int64_t clockUnits(ReceiveStatistics::TimePoint time, std::uint32_t clockRate) noexcept {
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
  return us / 1000 * clockRate / 1000 + (us % 1000) * clockRate / 1'000'000;
}

}  // namespace

void ReceiveStatistics::onPacket(std::uint16_t sequenceNumber, std::uint32_t rtpTimestamp,
                                 TimePoint arrival) noexcept {
  const std::int64_t now = clockUnits(arrival, clockRate_);
  // The transit time mod 2^32, as RTP timestamps wrap; its differences are taken as int32.
  const auto transit = static_cast<std::uint32_t>(now - rtpTimestamp);
  ++received_;
  if (!started_) {
    started_ = true;
    baseSequence_ = sequenceNumber;
    highestSequence_ = sequenceNumber;
    lastTransit_ = transit;
    return;
  }
  // RFC 3550 §A.1, simplified: the extension nearest the highest sequence number seen.
  const std::int64_t extended =
      highestSequence_ + static_cast<std::int16_t>(static_cast<std::uint16_t>(
                             sequenceNumber - static_cast<std::uint16_t>(highestSequence_)));
  if (extended > highestSequence_) {
    highestSequence_ = extended;
  }
  // RFC 3550 §A.8: J += (|D| - J) / 16, kept scaled by 16 in integers.
  const std::int64_t difference =
      std::abs(static_cast<std::int32_t>(transit - static_cast<std::uint32_t>(lastTransit_)));
  lastTransit_ = transit;
  jitterQ4_ += difference - ((jitterQ4_ + 8) >> 4);
}

void ReceiveStatistics::onSenderReport(std::uint64_t ntpTimestamp, std::uint32_t rtpTimestamp,
                                       TimePoint arrival) noexcept {
  lastSenderReport_ = SenderReportMapping{ntpTimestamp, rtpTimestamp, arrival};
}

std::optional<RtcpReportBlock> ReceiveStatistics::report(TimePoint now) noexcept {
  if (!started_) {
    return std::nullopt;
  }
  // RFC 3550 §A.3.
  const std::int64_t expected = highestSequence_ - baseSequence_ + 1;
  const std::int64_t lost = expected - static_cast<std::int64_t>(received_);
  const std::int64_t expectedInterval = expected - expectedPrior_;
  const std::int64_t lostInterval =
      expectedInterval - static_cast<std::int64_t>(received_ - receivedPrior_);
  expectedPrior_ = expected;
  receivedPrior_ = received_;
  RtcpReportBlock block{
      .ssrc = ssrc_,
      .fractionLost = expectedInterval == 0 || lostInterval <= 0
                          ? std::uint8_t{0}
                          : static_cast<std::uint8_t>((lostInterval << 8) / expectedInterval),
      .cumulativeLost = static_cast<std::int32_t>(
          std::clamp<std::int64_t>(lost, -(std::int64_t{1} << 23), (std::int64_t{1} << 23) - 1)),
      .extendedHighestSequence = static_cast<std::uint32_t>(highestSequence_),
      .jitter = static_cast<std::uint32_t>(jitterQ4_ >> 4),
  };
  if (lastSenderReport_) {
    // RFC 3550 §6.4.1: LSR is the middle 32 bits of the SR's NTP timestamp, DLSR the time since
    // it arrived in units of 1/65536 s.
    block.lastSenderReport = static_cast<std::uint32_t>(lastSenderReport_->ntpTimestamp >> 16);
    const auto delay =
        std::chrono::duration_cast<std::chrono::microseconds>(now - lastSenderReport_->arrival)
            .count();
    block.delaySinceLastSenderReport = static_cast<std::uint32_t>(delay * 65536 / 1'000'000);
  }
  return block;
}

}  // namespace chorus::media
