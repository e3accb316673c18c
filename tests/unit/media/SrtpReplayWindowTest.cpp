#include <cstdint>

#include <gtest/gtest.h>

#include "media/security/SrtpReplayWindow.h"

namespace chorus::media {
namespace {

using Verdict = SrtpReplayWindow::Verdict;

TEST(SrtpReplayWindowTest, EverythingIsFreshBeforeTheFirstPacket) {
  const SrtpReplayWindow window;
  EXPECT_TRUE(window.empty());
  EXPECT_EQ(window.check(0), Verdict::kFresh);
  EXPECT_EQ(window.check(123456), Verdict::kFresh);
}

TEST(SrtpReplayWindowTest, AcceptedIndicesAreReplaysAndTheGapsStayFresh) {
  SrtpReplayWindow window;
  window.accept(1000);
  window.accept(1002);
  window.accept(1100);
  EXPECT_EQ(window.highest(), 1100U);
  EXPECT_EQ(window.check(1000), Verdict::kReplayed);
  EXPECT_EQ(window.check(1002), Verdict::kReplayed);
  EXPECT_EQ(window.check(1100), Verdict::kReplayed);
  EXPECT_EQ(window.check(1001), Verdict::kFresh);
  EXPECT_EQ(window.check(1099), Verdict::kFresh);
  EXPECT_EQ(window.check(1101), Verdict::kFresh);
}

TEST(SrtpReplayWindowTest, WindowIs128IndicesWide) {
  SrtpReplayWindow window;
  window.accept(500);
  EXPECT_EQ(window.check(500 - 127), Verdict::kFresh);
  EXPECT_EQ(window.check(500 - 128), Verdict::kTooOld);
  window.accept(500 - 127);
  EXPECT_EQ(window.check(500 - 127), Verdict::kReplayed);
}

TEST(SrtpReplayWindowTest, SlidingKeepsBitsAcrossTheWordBoundary) {
  SrtpReplayWindow window;
  window.accept(10);
  window.accept(40);   // 10 is now 30 behind
  window.accept(100);  // 10 is 90 behind: it crossed from the first word to the second
  EXPECT_EQ(window.check(10), Verdict::kReplayed);
  EXPECT_EQ(window.check(40), Verdict::kReplayed);
  EXPECT_EQ(window.check(11), Verdict::kFresh);
  window.accept(200);  // a jump past the window forgets everything before it
  EXPECT_EQ(window.check(100), Verdict::kReplayed);
  EXPECT_EQ(window.check(73), Verdict::kFresh);  // 127 behind, never seen
  EXPECT_EQ(window.check(72), Verdict::kTooOld);
  EXPECT_EQ(window.check(40), Verdict::kTooOld);
  window.accept(400);
  EXPECT_EQ(window.check(300), Verdict::kFresh);
  EXPECT_EQ(window.check(200), Verdict::kTooOld);
}

}  // namespace
}  // namespace chorus::media
