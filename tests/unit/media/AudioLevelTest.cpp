#include <array>
#include <cstdint>
#include <span>

#include <gtest/gtest.h>

#include "media/routing/AudioLevel.h"

namespace chorus::media {
namespace {

// RFC 6464 §3: one byte, V (voice activity) in the most significant bit, then the level in
// -dBov from 0 to 127, where 127 is a muted or silent source.
std::optional<AudioLevel> parseByte(std::uint8_t byte) {
  const std::array<std::uint8_t, 1> value{byte};
  return parseAudioLevel(value);
}

TEST(AudioLevelTest, VoiceActivityIsTheTopBit) {
  const auto speaking = parseByte(0b1000'0000 | 30);  // V=1, -30 dBov
  ASSERT_TRUE(speaking);
  EXPECT_TRUE(speaking->voiceActivity);
  EXPECT_EQ(speaking->level, 30);
  const auto quiet = parseByte(30);  // V=0, -30 dBov
  ASSERT_TRUE(quiet);
  EXPECT_FALSE(quiet->voiceActivity);
  EXPECT_EQ(quiet->level, 30);
}

TEST(AudioLevelTest, LevelSpansZeroToOneHundredTwentySeven) {
  const auto loudest = parseByte(0x80);  // 0 dBov, the loudest a signal can be
  ASSERT_TRUE(loudest);
  EXPECT_TRUE(loudest->voiceActivity);
  EXPECT_EQ(loudest->level, 0);
  const auto silence = parseByte(0x7f);  // 127: digital silence
  ASSERT_TRUE(silence);
  EXPECT_FALSE(silence->voiceActivity);
  EXPECT_EQ(silence->level, 127);
  const auto allOnes = parseByte(0xff);
  ASSERT_TRUE(allOnes);
  EXPECT_TRUE(allOnes->voiceActivity);
  EXPECT_EQ(allOnes->level, 127);
}

TEST(AudioLevelTest, EveryByteParsesToItsTwoFields) {
  for (unsigned byte = 0; byte <= 0xff; ++byte) {
    const auto level = parseByte(static_cast<std::uint8_t>(byte));
    ASSERT_TRUE(level);
    EXPECT_EQ(level->voiceActivity, byte >= 0x80);
    EXPECT_EQ(level->level, byte % 0x80);
  }
}

TEST(AudioLevelTest, ValueOtherThanOneByteIsRejected) {
  EXPECT_EQ(parseAudioLevel(std::span<const std::uint8_t>{}), std::nullopt);
  const std::array<std::uint8_t, 2> twoBytes{0x85, 0x00};
  EXPECT_EQ(parseAudioLevel(twoBytes), std::nullopt);
}

}  // namespace
}  // namespace chorus::media
