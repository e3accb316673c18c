#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace chorus::media {

// The sequence number and timestamp a forwarded packet carries to its subscriber.
struct RtpRewrite {
  std::uint16_t sequenceNumber;
  std::uint32_t timestamp;
};

// One subscriber's outgoing stream: maps the RTP sequence numbers and timestamps of whichever
// publisher stream currently feeds it onto one continuous outgoing stream on outSsrc (RFC 7667
// §3.7, the switching SFU: the subscriber's decoder must never see the source change).
//
// Within one source the mapping is a fixed offset (mod 2^16 and 2^32), so a loss stays a gap
// the subscriber can NACK and a reordered packet keeps its place. When the source changes the
// offsets are recomputed so the sequence continues at highest + 1 and the timestamp at the last
// timestamp plus the wall time elapsed since, in clock-rate ticks.
//
// NOTE: any packet whose sourceSsrc differs from the current source's starts a new source: the
// caller decides what to forward (a simulcast layer, the restarted publisher) and passes only
// that. A late packet of the previous source would switch back, so the caller must drop it.
//
// Single-threaded (owned by the subscriber's shard); no allocation.
class RtpStreamRewriter {
 public:
  // How far behind the highest forwarded sequence number a packet may still be forwarded: the
  // span over which duplicates are recognised. 1024 packets is about a second of 10 Mbit/s video
  // in 1200-byte packets, the depth of the publisher's retransmission buffer (issue 6), so a
  // retransmission answering a NACK still fills its gap. An older packet is refused, since it
  // could not be told from a duplicate.
  static constexpr std::int64_t kWindow = 1024;

  // outSsrc: the subscriber-side SSRC; firstSequence/firstTimestamp: where the outgoing stream
  // starts (random in production, fixed in tests); clockRate in Hz.
  RtpStreamRewriter(std::uint32_t outSsrc, std::uint16_t firstSequence,
                    std::uint32_t firstTimestamp, std::uint32_t clockRate) noexcept;

  // The outgoing numbers for one packet from `sourceSsrc`, or nothing when it must not be
  // forwarded: a duplicate, older than the current source's first forwarded packet, 2^15 or
  // more behind that source's highest, or kWindow or more behind the highest forwarded.
  // `arrival` is the packet's arrival time.
  std::optional<RtpRewrite> rewrite(std::uint32_t sourceSsrc, std::uint16_t sequenceNumber,
                                    std::uint32_t timestamp,
                                    std::chrono::steady_clock::time_point arrival) noexcept;

  // The reverse mapping, for a subscriber's NACK (RFC 4585 §6.2.1): the current source's
  // sequence number that outgoing sequence number `out` stands for, or nothing when `out` is not
  // within kWindow of the highest sent, or was numbered for an earlier source (whose packets
  // are no longer the ones a retransmission buffer keeps).
  std::optional<std::uint16_t> sourceSequence(std::uint16_t out) const noexcept;
  // The outgoing numbers a retransmission of the current source's packet carries: those the
  // original had (or would have had), so the subscriber fills its gap. Nothing when the packet
  // is of another source or outside the span sourceSequence() maps. Marks nothing.
  std::optional<RtpRewrite> retransmission(std::uint32_t sourceSsrc, std::uint16_t sequenceNumber,
                                           std::uint32_t timestamp) const noexcept;

  // The next packet starts its source anew, as a new source would: the outgoing numbers go on
  // at highest + 1 with no gap for what was never forwarded (a subscriber made to wait for a
  // keyframe would otherwise NACK the delta frames it was not sent).
  void restartAtNextPacket() noexcept { restartPending_ = started_; }

  std::uint32_t outSsrc() const noexcept { return outSsrc_; }
  // The source the outgoing stream now carries, and what is added to its RTP timestamps (mod
  // 2^32), for sender reports; nothing before the first packet.
  std::optional<std::uint32_t> sourceSsrc() const noexcept {
    return started_ ? std::optional(sourceSsrc_) : std::nullopt;
  }
  std::uint32_t timestampOffset() const noexcept { return timestampOffset_; }
  // The highest sequence number sent; firstSequence - 1 before the first packet.
  std::uint16_t lastSequenceNumber() const noexcept;

  // Packets refused, by reason, for the caller's drop counters.
  std::uint64_t duplicatesRefused() const noexcept { return duplicatesRefused_; }
  std::uint64_t tooOldRefused() const noexcept { return tooOldRefused_; }

 private:
  static constexpr std::size_t kWordBits = 64;

  void startSource(std::uint32_t sourceSsrc, std::uint16_t sequenceNumber, std::uint32_t timestamp,
                   std::chrono::steady_clock::time_point arrival) noexcept;
  // Clears the window bits of the outgoing sequence numbers in (highestOut_, newHighest].
  void slideWindow(std::int64_t newHighest) noexcept;
  bool forwarded(std::int64_t outExtended) const noexcept;
  // Whether outgoing extended number `outExtended` is the current source's and within kWindow.
  bool mapsToCurrentSource(std::int64_t outExtended) const noexcept;
  void markForwarded(std::int64_t outExtended) noexcept;

  std::uint32_t outSsrc_;
  std::uint32_t firstTimestamp_;
  std::uint32_t clockRate_;
  bool started_ = false;
  bool restartPending_ = false;

  // The current source, its sequence numbers extended to 64 bits (RFC 3550 §A.1): the first
  // forwarded and the highest seen.
  std::uint32_t sourceSsrc_ = 0;
  std::int64_t sourceFirst_ = 0;
  std::int64_t sourceHighest_ = 0;
  // Outgoing extended sequence = source extended sequence + sequenceDelta_; outgoing timestamp =
  // source timestamp + timestampOffset_ (mod 2^32).
  std::int64_t sequenceDelta_ = 0;
  std::uint32_t timestampOffset_ = 0;

  // The highest outgoing extended sequence number sent, with its timestamp and arrival time.
  std::int64_t highestOut_;
  std::uint32_t highestOutTimestamp_ = 0;
  std::chrono::steady_clock::time_point highestOutArrival_{};
  // Bit (e mod kWindow) says whether outgoing extended sequence e, within kWindow of highestOut_,
  // was forwarded.
  std::array<std::uint64_t, kWindow / kWordBits> forwarded_{};

  std::uint64_t duplicatesRefused_ = 0;
  std::uint64_t tooOldRefused_ = 0;
};

}  // namespace chorus::media
