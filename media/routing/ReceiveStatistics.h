#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "media/wire/RtcpReportBlock.h"

namespace chorus::media {

// A publisher's last sender report as received (RFC 3550 §6.4.1): its NTP/RTP timestamp pair,
// and when it arrived on the steady clock.
struct SenderReportMapping {
  std::uint64_t ntpTimestamp = 0;  // 32.32 fixed point seconds since 1900
  std::uint32_t rtpTimestamp = 0;
  std::chrono::steady_clock::time_point arrival{};
};

// Reception statistics of one published stream, as the receiver reports them to its publisher
// (RFC 3550 §6.4.2): the extended highest sequence number (§A.1), packets lost and the fraction
// lost since the previous report (§A.3), the interarrival jitter in the stream's clock rate
// (§A.8), and LSR/DLSR from the publisher's last sender report.
//
// Single-threaded (owned by the publisher's shard); no allocation.
class ReceiveStatistics {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  ReceiveStatistics(std::uint32_t ssrc, std::uint32_t clockRate) noexcept
      : ssrc_(ssrc), clockRate_(clockRate) {}

  void onPacket(std::uint16_t sequenceNumber, std::uint32_t rtpTimestamp,
                TimePoint arrival) noexcept;
  void onSenderReport(std::uint64_t ntpTimestamp, std::uint32_t rtpTimestamp,
                      TimePoint arrival) noexcept;

  // The report block for the next RR, and the start of the next fraction-lost interval; nothing
  // before the first packet (RFC 3550 §6.4: no block for a source not heard from).
  std::optional<RtcpReportBlock> report(TimePoint now) noexcept;

  const std::optional<SenderReportMapping>& lastSenderReport() const noexcept {
    return lastSenderReport_;
  }
  std::uint64_t received() const noexcept { return received_; }

 private:
  std::uint32_t ssrc_;
  std::uint32_t clockRate_;
  bool started_ = false;
  std::int64_t baseSequence_ = 0;     // extended, the first received
  std::int64_t highestSequence_ = 0;  // extended, the highest received
  std::uint64_t received_ = 0;        // duplicates included, as RFC 3550 §A.3 counts them
  std::int64_t expectedPrior_ = 0;
  std::uint64_t receivedPrior_ = 0;
  // RFC 3550 §A.8: the previous transit time in clock-rate units, and the jitter x 16.
  std::int64_t lastTransit_ = 0;
  std::int64_t jitterQ4_ = 0;
  std::optional<SenderReportMapping> lastSenderReport_;
};

}  // namespace chorus::media
