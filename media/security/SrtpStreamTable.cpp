#include "media/security/SrtpStreamTable.h"

#include <bit>

namespace chorus::media {

SrtpStreamTable::SrtpStreamTable(std::size_t capacity)
    : slots_(std::bit_ceil(2 * (capacity == 0 ? 1 : capacity))),
      shift_(32 - std::countr_zero(slots_.size())),
      capacity_(capacity) {}

std::size_t SrtpStreamTable::home(std::uint32_t ssrc) const noexcept {
  // Fibonacci hashing: SSRCs should be random, but the top bits of this product spread any
  // pattern (consecutive SSRCs from a simulcast encoder, say) over the slots.
  constexpr std::uint32_t kGoldenRatio = 0x9e3779b9U;
  return static_cast<std::uint32_t>(ssrc * kGoldenRatio) >> shift_;
}

SrtpStreamState* SrtpStreamTable::find(std::uint32_t ssrc) noexcept {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t at = home(ssrc);; at = (at + 1) & mask) {
    Slot& slot = slots_[at];
    if (!slot.used) {
      return nullptr;
    }
    if (slot.state.ssrc == ssrc) {
      return &slot.state;
    }
  }
}

SrtpStreamState* SrtpStreamTable::insert(std::uint32_t ssrc) noexcept {
  if (full()) {
    return nullptr;
  }
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t at = home(ssrc);; at = (at + 1) & mask) {
    Slot& slot = slots_[at];
    if (!slot.used) {
      slot.used = true;
      slot.state = SrtpStreamState{};
      slot.state.ssrc = ssrc;
      ++size_;
      return &slot.state;
    }
  }
}

}  // namespace chorus::media
