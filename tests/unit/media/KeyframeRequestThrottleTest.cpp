#include <chrono>

#include <gtest/gtest.h>

#include "media/routing/KeyframeRequestThrottle.h"

namespace chorus::media {
namespace {

using std::chrono::milliseconds;
using TimePoint = std::chrono::steady_clock::time_point;

constexpr milliseconds kInterval{300};
const TimePoint kStart{std::chrono::seconds(50)};

TEST(KeyframeRequestThrottleTest, FirstRequestGoesOutAtOnce) {
  KeyframeRequestThrottle throttle(kInterval);
  EXPECT_FALSE(throttle.pending());
  EXPECT_EQ(throttle.dueAt(), std::nullopt);
  EXPECT_TRUE(throttle.request(kStart));
  EXPECT_FALSE(throttle.pending());
  EXPECT_FALSE(throttle.due(kStart + kInterval));  // nothing was held back
}

TEST(KeyframeRequestThrottleTest, RequestsInsideTheIntervalMergeIntoOneThatFallsDueOnce) {
  KeyframeRequestThrottle throttle(kInterval);
  ASSERT_TRUE(throttle.request(kStart));
  // Three subscribers ask within the interval: none goes out now.
  EXPECT_FALSE(throttle.request(kStart + milliseconds(10)));
  EXPECT_FALSE(throttle.request(kStart + milliseconds(120)));
  EXPECT_FALSE(throttle.request(kStart + milliseconds(299)));
  EXPECT_TRUE(throttle.pending());
  EXPECT_EQ(throttle.dueAt(), kStart + kInterval);

  EXPECT_FALSE(throttle.due(kStart + milliseconds(299)));
  EXPECT_TRUE(throttle.due(kStart + kInterval));   // exactly minInterval later is allowed
  EXPECT_FALSE(throttle.due(kStart + kInterval));  // once
  EXPECT_FALSE(throttle.due(kStart + milliseconds(900)));
  EXPECT_FALSE(throttle.pending());
}

TEST(KeyframeRequestThrottleTest, TheMergedRequestRestartsTheInterval) {
  KeyframeRequestThrottle throttle(kInterval);
  ASSERT_TRUE(throttle.request(kStart));
  ASSERT_FALSE(throttle.request(kStart + milliseconds(100)));
  ASSERT_TRUE(throttle.due(kStart + milliseconds(350)));
  // The merged request was sent at 350 ms, so the next one waits until 650 ms.
  EXPECT_FALSE(throttle.request(kStart + milliseconds(600)));
  EXPECT_EQ(throttle.dueAt(), kStart + milliseconds(650));
  EXPECT_FALSE(throttle.due(kStart + milliseconds(649)));
  EXPECT_TRUE(throttle.due(kStart + milliseconds(650)));
}

TEST(KeyframeRequestThrottleTest, RequestAfterTheIntervalGoesOutAtOnce) {
  KeyframeRequestThrottle throttle(kInterval);
  ASSERT_TRUE(throttle.request(kStart));
  EXPECT_FALSE(throttle.request(kStart + milliseconds(299)));
  // The held-back request is sent by this request itself, not a second time by due().
  EXPECT_TRUE(throttle.request(kStart + milliseconds(300)));
  EXPECT_FALSE(throttle.pending());
  EXPECT_FALSE(throttle.due(kStart + milliseconds(600)));
}

TEST(KeyframeRequestThrottleTest, AKeyframeSatisfiesAHeldBackRequest) {
  KeyframeRequestThrottle throttle(kInterval);
  ASSERT_TRUE(throttle.request(kStart));
  ASSERT_FALSE(throttle.request(kStart + milliseconds(50)));
  throttle.keyframeReceived();
  EXPECT_FALSE(throttle.pending());
  EXPECT_EQ(throttle.dueAt(), std::nullopt);
  EXPECT_FALSE(throttle.due(kStart + milliseconds(400)));
  // The interval still counts from the last request sent.
  EXPECT_FALSE(throttle.request(kStart + milliseconds(100)));
  EXPECT_TRUE(throttle.due(kStart + kInterval));
}

TEST(KeyframeRequestThrottleTest, ZeroIntervalPassesEveryRequest) {
  KeyframeRequestThrottle throttle(std::chrono::nanoseconds(0));
  EXPECT_TRUE(throttle.request(kStart));
  EXPECT_TRUE(throttle.request(kStart));
  EXPECT_FALSE(throttle.pending());
}

}  // namespace
}  // namespace chorus::media
