#include "media/security/SrtpReplayWindow.h"

namespace chorus::media {
namespace {
constexpr std::uint64_t kWordBits = 64;
}  // namespace

SrtpReplayWindow::Verdict SrtpReplayWindow::check(std::uint64_t index) const noexcept {
  if (!started_ || index > highest_) {
    return Verdict::kFresh;
  }
  const std::uint64_t behind = highest_ - index;
  if (behind >= kSize) {
    return Verdict::kTooOld;
  }
  const std::uint64_t word = seen_[behind / kWordBits];
  const bool seen = ((word >> (behind % kWordBits)) & 1U) != 0;
  return seen ? Verdict::kReplayed : Verdict::kFresh;
}

void SrtpReplayWindow::accept(std::uint64_t index) noexcept {
  if (!started_) {
    started_ = true;
    highest_ = index;
    seen_ = {1, 0};
    return;
  }
  if (index > highest_) {
    // Slide the 128-bit map up by the advance, then mark the new highest.
    const std::uint64_t shift = index - highest_;
    if (shift >= kSize) {
      seen_ = {0, 0};
    } else if (shift >= kWordBits) {
      seen_ = {0, seen_[0] << (shift - kWordBits)};
    } else {
      seen_ = {seen_[0] << shift, (seen_[1] << shift) | (seen_[0] >> (kWordBits - shift))};
    }
    seen_[0] |= 1U;
    highest_ = index;
    return;
  }
  const std::uint64_t behind = highest_ - index;
  if (behind < kSize) {
    seen_[behind / kWordBits] |= std::uint64_t{1} << (behind % kWordBits);
  }
}

}  // namespace chorus::media
