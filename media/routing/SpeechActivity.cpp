#include "media/routing/SpeechActivity.h"

namespace chorus::media {

std::uint8_t SpeechActivity::takeLoudness() noexcept {
  const std::uint32_t mean = packets_ == 0 ? 0 : loudnessSum_ / packets_;
  loudnessSum_ = 0;
  packets_ = 0;
  return static_cast<std::uint8_t>(mean);
}

}  // namespace chorus::media
