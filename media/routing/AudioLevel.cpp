#include "media/routing/AudioLevel.h"

namespace chorus::media {

std::optional<AudioLevel> parseAudioLevel(std::span<const std::uint8_t> value) noexcept {
  if (value.size() != 1) {
    return std::nullopt;
  }
  return AudioLevel{.voiceActivity = (value[0] & 0x80U) != 0,
                    .level = static_cast<std::uint8_t>(value[0] & 0x7fU)};
}

}  // namespace chorus::media
