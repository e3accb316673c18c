#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "media/routing/ReceiveStatistics.h"
#include "media/wire/RtcpReportBlock.h"
#include "media/wire/RtcpSenderReport.h"

namespace chorus::media {

// What the server sent on one subscription, for its sender reports (RFC 3550 §6.4.1), and the
// round-trip time of the leg from the subscriber's reports on them.
//
// The SR's NTP/RTP pair is the publisher's last one carried forward: the NTP time the publisher
// stated plus the time elapsed since its SR arrived, and the RTP timestamp the publisher's
// clock reaches at that time, moved into the subscriber's timestamp space by the rewriter's
// offset. The subscriber's receiver thus relates this stream to the publisher's other streams
// (lip sync) as the publisher intended.
//
// Single-threaded (owned by the subscriber's shard); no allocation.
class SendStatistics {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // RFC 3550 §6.4.1: the octet count is of payload only, without header or padding.
  void onPacketSent(std::size_t payloadOctets) noexcept {
    ++packets_;
    octets_ += payloadOctets;
  }

  // The sender info of an SR on `ssrc` at `now`, or nothing before the first packet sent or
  // without a publisher SR to map timestamps with. `timestampOffset` is added to the
  // publisher's RTP timestamps on this subscription; `clockRate` in Hz.
  std::optional<RtcpSenderInfo> senderInfo(std::uint32_t ssrc,
                                           const std::optional<SenderReportMapping>& publisher,
                                           std::uint32_t timestampOffset, std::uint32_t clockRate,
                                           TimePoint now) const noexcept;
  // The SR with `info` was sent at `now`: the subscriber's LSR will name it.
  void onSenderReportSent(const RtcpSenderInfo& info, TimePoint now) noexcept;
  // A report block about this subscription from the subscriber (RFC 3550 §6.4.1: RTT = arrival
  // - LSR - DLSR, here with LSR's send time kept on the steady clock). Returns the round-trip
  // time this block measured, if it did (it names the last SR sent).
  std::optional<std::chrono::microseconds> onReportBlock(const RtcpReportBlock& block,
                                                         TimePoint now) noexcept;

  std::uint64_t packets() const noexcept { return packets_; }
  std::uint64_t octets() const noexcept { return octets_; }
  // The last round-trip time measured; nothing before the subscriber reported on an SR.
  std::optional<std::chrono::microseconds> roundTripTime() const noexcept { return rtt_; }
  // The subscriber's last fraction lost (RFC 3550 §6.4.1, x 256).
  std::uint8_t fractionLost() const noexcept { return fractionLost_; }

 private:
  std::uint64_t packets_ = 0;
  std::uint64_t octets_ = 0;
  std::uint32_t lastSentLsr_ = 0;
  TimePoint lastSentAt_{};
  bool sentReport_ = false;
  std::optional<std::chrono::microseconds> rtt_;
  std::uint8_t fractionLost_ = 0;
};

}  // namespace chorus::media
