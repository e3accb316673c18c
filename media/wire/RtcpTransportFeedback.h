#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "media/wire/RtcpHeader.h"

namespace chorus::media {

// Transport-wide congestion control feedback, RTPFB (PT=205) with FMT=15
// (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1):
//
//   |V=2|P|  FMT=15 |    PT=205     |           length              |
//   |                     SSRC of packet sender                     |
//   |                      SSRC of media source                     |
//   |      base sequence number     |      packet status count      |
//   |                 reference time                | fb pkt. count |
//   |          packet chunk         |         packet chunk          |  ...
//   |         recv delta            |  recv delta   |  zero padding |  ...
//
// Packet chunks give a status symbol per reported packet (§3.1.1): 00 not received, 01 received
// with a small delta (1 byte, 0..255 x 250 us), 10 received with a large or negative delta (2
// bytes, signed, x 250 us), 11 reserved. A run length chunk (§3.1.3) is
//   |0| S (2) |        run length (13)          |
// and a status vector chunk (§3.1.4) is
//   |1|0| 14 one-bit symbols (0 not received, 1 small delta) |   or
//   |1|1| 7 two-bit symbols                                  |
// Receive deltas follow the chunks, one per received packet, in packet order; the first is
// relative to the reference time (x 64 ms), each next one to the previous received packet.
class RtcpTransportFeedback {
 public:
  static constexpr std::uint8_t kFormat = 15;
  static constexpr std::chrono::microseconds kDeltaTick{250};
  static constexpr std::chrono::microseconds kReferenceTimeTick{64'000};
  static constexpr std::size_t kMaxStatusCount = 0xffff;

  enum class Status : std::uint8_t {
    kNotReceived = 0,
    kReceivedSmallDelta = 1,
    kReceivedLargeDelta = 2,
  };

  struct PacketStatus {
    std::uint16_t sequenceNumber = 0;
    Status status = Status::kNotReceived;
    // Since the previous received packet, or the reference time for the first; 0 if not received.
    std::chrono::microseconds receiveDelta{0};
  };

  // What the builder reports for one transport-wide sequence number.
  struct PacketArrival {
    std::uint16_t sequenceNumber = 0;
    // Nothing if the packet was not received; otherwise on the same clock as the reference time.
    std::optional<std::chrono::microseconds> arrivalTime;
  };

  struct FeedbackInfo {
    std::uint32_t senderSsrc = 0;
    std::uint32_t mediaSsrc = 0;
    // In units of kReferenceTimeTick; a signed 24-bit value.
    std::int32_t referenceTime = 0;
    std::uint8_t feedbackPacketCount = 0;
  };

  // Nothing unless `header` is a transport-cc feedback whose chunks cover a non-zero packet
  // status count without reserved symbols, whose receive deltas fit, and after which at most 3
  // bytes of zero padding remain. libwebrtc rejects reserved symbols too.
  static std::optional<RtcpTransportFeedback> parse(const RtcpHeader& header) noexcept;

  // Writes a feedback for `packets` (consecutive sequence numbers modulo 2^16, the first one
  // being the base) at the start of `out`. A run of 7 or more equal symbols becomes a run length
  // chunk; otherwise a one-bit status vector while no large delta is pending, else a two-bit
  // one. Arrival times are rounded down to 250 us ticks on an absolute grid, so rounding does not
  // accumulate. The packet is padded to 32 bits with the RTCP padding bit, as libwebrtc does.
  // Returns its size, or nothing if it does not fit, `packets` is empty, longer than 65535 or
  // not consecutive, the reference time does not fit in 24 bits, or a delta does not fit in a
  // signed 16-bit tick count (the caller then splits the feedback).
  static std::optional<std::size_t> build(std::span<std::uint8_t> out, const FeedbackInfo& info,
                                          std::span<const PacketArrival> packets) noexcept;

  std::uint32_t senderSsrc() const noexcept;
  std::uint32_t mediaSsrc() const noexcept;
  std::uint16_t baseSequenceNumber() const noexcept;
  std::size_t packetStatusCount() const noexcept;
  std::int32_t referenceTime() const noexcept;
  std::uint8_t feedbackPacketCount() const noexcept;

  // Walks the reported packets in order:
  //   for (auto it = feedback.statuses(); auto status = it.next();) { ... }
  class StatusCursor {
   public:
    std::optional<PacketStatus> next() noexcept;

   private:
    friend class RtcpTransportFeedback;
    StatusCursor(std::span<const std::uint8_t> body, std::size_t deltasOffset) noexcept;
    std::span<const std::uint8_t> body_;
    std::size_t remaining_;
    std::size_t chunkOffset_;
    std::size_t symbolIndex_ = 0;
    std::size_t deltaOffset_;
    std::uint16_t sequenceNumber_;
  };
  StatusCursor statuses() const noexcept { return {body_, deltasOffset_}; }

 private:
  RtcpTransportFeedback(std::span<const std::uint8_t> body, std::size_t deltasOffset) noexcept
      : body_(body), deltasOffset_(deltasOffset) {}

  std::span<const std::uint8_t> body_;
  std::size_t deltasOffset_;
};

}  // namespace chorus::media
