#pragma once

#include <cstdint>

#include "media/routing/AudioLevel.h"

namespace chorus::media {

// How loud one published audio stream was since it was last asked, from the RFC 6464 levels
// its packets carry. The control plane asks about twice a second to rank a room's speakers.
class SpeechActivity {
 public:
  void add(const AudioLevel& level) noexcept {
    // RFC 6464 §3: the level is -dBov, 127 for silence; loudness counts up from silence.
    const auto loudness = static_cast<std::uint8_t>(kSilence - level.level);
    peak_ = loudness > peak_ ? loudness : peak_;
  }

  // The loudness (0 silent to 127 at full scale) of the loudest packet since the last call; 0
  // when none came. Starts a new interval. The peak, not the mean: speech comes in syllables
  // with pauses between them, which a mean over half a second would count as silence.
  std::uint8_t takeLoudness() noexcept {
    const std::uint8_t peak = peak_;
    peak_ = 0;
    return peak;
  }

 private:
  static constexpr std::uint8_t kSilence = 127;

  std::uint8_t peak_ = 0;
};

}  // namespace chorus::media
