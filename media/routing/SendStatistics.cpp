#include "media/routing/SendStatistics.h"

namespace chorus::media {

std::optional<RtcpSenderInfo> SendStatistics::senderInfo(
    std::uint32_t ssrc, const std::optional<SenderReportMapping>& publisher,
    std::uint32_t timestampOffset, std::uint32_t clockRate, TimePoint now) const noexcept {
  if (packets_ == 0 || !publisher) {
    return std::nullopt;
  }
  const auto elapsedUs =
      std::chrono::duration_cast<std::chrono::microseconds>(now - publisher->arrival).count();
  // NTP fraction: 2^32 per second.
  const auto elapsed = static_cast<std::uint64_t>(elapsedUs);
  const std::uint64_t ntpElapsed =
      ((elapsed / 1'000'000U) << 32U) + ((elapsed % 1'000'000U) << 32U) / 1'000'000U;
  const auto rtpElapsed = static_cast<std::uint32_t>(elapsedUs * clockRate / 1'000'000);
  return RtcpSenderInfo{
      .ssrc = ssrc,
      .ntpTimestamp = publisher->ntpTimestamp + ntpElapsed,
      .rtpTimestamp = publisher->rtpTimestamp + timestampOffset + rtpElapsed,
      // RFC 3550 §6.4.1: the counts wrap at 2^32.
      .packetCount = static_cast<std::uint32_t>(packets_),
      .octetCount = static_cast<std::uint32_t>(octets_),
  };
}

void SendStatistics::onSenderReportSent(const RtcpSenderInfo& info, TimePoint now) noexcept {
  lastSentLsr_ = static_cast<std::uint32_t>(info.ntpTimestamp >> 16);
  lastSentAt_ = now;
  sentReport_ = true;
}

std::optional<std::chrono::microseconds> SendStatistics::onReportBlock(const RtcpReportBlock& block,
                                                                       TimePoint now) noexcept {
  fractionLost_ = block.fractionLost;
  if (!sentReport_ || block.lastSenderReport != lastSentLsr_) {
    return std::nullopt;  // about an older SR, or none (LSR 0)
  }
  // DLSR in units of 1/65536 s.
  const auto delay = std::chrono::microseconds(
      static_cast<std::int64_t>(block.delaySinceLastSenderReport) * 1'000'000 / 65536);
  const auto rtt = std::chrono::duration_cast<std::chrono::microseconds>(now - lastSentAt_) - delay;
  if (rtt.count() < 0) {
    return std::nullopt;
  }
  rtt_ = rtt;
  return rtt;
}

}  // namespace chorus::media
