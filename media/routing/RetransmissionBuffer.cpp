#include "media/routing/RetransmissionBuffer.h"

#include <utility>

namespace chorus::media {

RetransmissionBuffer::Stored RetransmissionBuffer::store(PacketSlot& slot,
                                                         std::uint16_t sequenceNumber,
                                                         TimePoint now) noexcept {
  Entry& entry = entries_[indexOf(sequenceNumber)];
  if (entry.slot != nullptr && entry.sequenceNumber == sequenceNumber) {
    return {};  // a duplicate or a retransmission of a packet already kept
  }
  PacketSlot* evicted = entry.slot != nullptr ? take(entry) : nullptr;
  entry = {&slot, sequenceNumber, now};
  ++size_;
  return {true, evicted};
}

PacketSlot* RetransmissionBuffer::find(std::uint16_t sequenceNumber, TimePoint now) const noexcept {
  const Entry& entry = entries_[indexOf(sequenceNumber)];
  if (entry.slot == nullptr || entry.sequenceNumber != sequenceNumber ||
      now - entry.storedAt > kMaxAge) {
    return nullptr;
  }
  return entry.slot;
}

RetransmissionBuffer::TimePoint RetransmissionBuffer::storedAt(
    std::uint16_t sequenceNumber) const noexcept {
  return entries_[indexOf(sequenceNumber)].storedAt;
}

PacketSlot* RetransmissionBuffer::popExpired(TimePoint now) noexcept {
  for (std::size_t scanned = 0; scanned < kCapacity && size_ > 0; ++scanned) {
    Entry& entry = entries_[expiryCursor_];
    expiryCursor_ = (expiryCursor_ + 1) % kCapacity;
    if (entry.slot != nullptr && now - entry.storedAt > kMaxAge) {
      return take(entry);
    }
  }
  return nullptr;
}

PacketSlot* RetransmissionBuffer::popAny() noexcept {
  if (size_ == 0) {
    return nullptr;
  }
  for (Entry& entry : entries_) {
    if (entry.slot != nullptr) {
      return take(entry);
    }
  }
  return nullptr;
}

PacketSlot* RetransmissionBuffer::take(Entry& entry) noexcept {
  --size_;
  return std::exchange(entry.slot, nullptr);
}

}  // namespace chorus::media
