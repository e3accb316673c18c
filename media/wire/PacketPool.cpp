#include "media/wire/PacketPool.h"

namespace chorus::media {

PacketRef& PacketRef::operator=(PacketRef&& other) noexcept {
  if (this != &other) {
    reset();
    pool_ = std::exchange(other.pool_, nullptr);
    slot_ = std::exchange(other.slot_, nullptr);
  }
  return *this;
}

void PacketRef::reset() noexcept {
  if (slot_ != nullptr) {
    pool_->release(*slot_);
    slot_ = nullptr;
    pool_ = nullptr;
  }
}

PacketPool::PacketPool(std::size_t slots)
    : capacity_(slots), slots_(std::make_unique<PacketSlot[]>(slots)) {  // NOLINT(*-avoid-c-arrays)
  free_.reserve(slots);
  for (std::size_t i = slots; i > 0; --i) {
    free_.push_back(&slots_[i - 1]);
  }
}

PacketRef PacketPool::acquire() noexcept {
  if (free_.empty()) {
    return {};
  }
  PacketSlot* slot = free_.back();
  free_.pop_back();
  slot->length = 0;
  return {*this, *slot};
}

void PacketPool::release(PacketSlot& slot) noexcept {
  free_.push_back(&slot);
}

}  // namespace chorus::media
