#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "media/wire/PacketPool.h"

namespace chorus::media {

// The last packets of one published video stream, kept so that subscribers' NACKs (RFC 4585
// §6.2.1) can be answered without asking the publisher again: at most kCapacity packets, none
// older than kMaxAge (about one second of video, the span over which a retransmission still
// arrives before the receiver's jitter buffer gives up on the frame).
//
// It keeps the decrypted slots themselves, not copies, and allocates nothing after construction.
// NOTE: the buffer never gives a slot back to the pool itself: a slot it keeps may also be lent
// to other shards at the same time. The owning Router counts the buffer as one of the slot's
// `holders` (PacketSlot::holders) beside each shard it lent the slot to; every slot the buffer
// lets go of (store(), popExpired(), popAny()) is handed back to the Router, which decrements
// `holders` and returns the slot to the pool when it reaches zero, so a slot goes back exactly
// once, by whichever holder lets go last. Single-threaded (the publisher's shard).
class RetransmissionBuffer {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  static constexpr std::size_t kCapacity = 512;
  static constexpr std::chrono::milliseconds kMaxAge{1000};

  // What store() did with a slot: kept it (the caller adds a holder) or not (a sequence number
  // already kept), and the slot it evicted to make room, which the caller must let go of.
  struct Stored {
    bool kept = false;
    PacketSlot* evicted = nullptr;
  };

  // Keeps `slot`, the packet with `sequenceNumber`, received at `now`. A packet kCapacity
  // sequence numbers older in the same table entry is evicted.
  Stored store(PacketSlot& slot, std::uint16_t sequenceNumber, TimePoint now) noexcept;

  // The packet with `sequenceNumber`, if kept and not older than kMaxAge at `now`.
  PacketSlot* find(std::uint16_t sequenceNumber, TimePoint now) const noexcept;
  // When the packet with `sequenceNumber` was stored; precondition: find() returned it.
  TimePoint storedAt(std::uint16_t sequenceNumber) const noexcept;

  // Removes one packet older than kMaxAge at `now` and returns its slot, or nullptr when none is.
  PacketSlot* popExpired(TimePoint now) noexcept;
  // Removes any one packet and returns its slot, or nullptr when empty (to clear the buffer).
  PacketSlot* popAny() noexcept;

  std::size_t size() const noexcept { return size_; }

 private:
  struct Entry {
    PacketSlot* slot = nullptr;
    std::uint16_t sequenceNumber = 0;
    TimePoint storedAt{};
  };

  static std::size_t indexOf(std::uint16_t sequenceNumber) noexcept {
    return sequenceNumber % kCapacity;
  }
  PacketSlot* take(Entry& entry) noexcept;

  // Indexed by sequence number modulo kCapacity (a divisor of 2^16, so the mapping survives the
  // wrap): lookup is one probe, and a new packet evicts the one kCapacity numbers before it.
  std::array<Entry, kCapacity> entries_{};
  std::size_t size_ = 0;
  // Where popExpired() resumes its scan, so a tick's expiry visits each entry at most once.
  std::size_t expiryCursor_ = 0;
};

}  // namespace chorus::media
