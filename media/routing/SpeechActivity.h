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
    loudnessSum_ += static_cast<std::uint32_t>(kSilence - level.level);
    ++packets_;
  }

  // The mean loudness (0 silent to 127 at full scale) of the packets since the last call; 0
  // when none came. Starts a new interval.
  std::uint8_t takeLoudness() noexcept;

 private:
  static constexpr std::uint8_t kSilence = 127;

  std::uint32_t loudnessSum_ = 0;
  std::uint32_t packets_ = 0;
};

}  // namespace chorus::media
