// The loudness a published audio stream reports to the control plane, from RFC 6464 levels.
#include <gtest/gtest.h>

#include "media/routing/SpeechActivity.h"

namespace chorus::media {
namespace {

TEST(SpeechActivityTest, LoudnessIsThePeakDistanceFromSilenceAndStartsOverWhenTaken) {
  SpeechActivity activity;
  EXPECT_EQ(activity.takeLoudness(), 0);  // no packet: silence
  // RFC 6464 §3: -dBov; 127 is silence, 0 the loudest a sender can be.
  activity.add({true, 27});    // 100 above silence
  activity.add({true, 47});    // 80
  activity.add({false, 127});  // 0
  EXPECT_EQ(activity.takeLoudness(), 100);
  EXPECT_EQ(activity.takeLoudness(), 0);
  activity.add({true, 0});
  EXPECT_EQ(activity.takeLoudness(), 127);
}

}  // namespace
}  // namespace chorus::media
