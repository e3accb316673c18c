// The estimate of a subscriber's downlink on synthetic paths: packets sent at a steady rate, a
// "network" that delivers them after a delay (constant or growing) or loses some, and feedback
// built as a browser builds it (RtcpTransportFeedback::build) every 100 ms.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "media/routing/SubscriberBandwidthEstimator.h"
#include "media/wire/RtcpCompoundView.h"
#include "media/wire/RtcpTransportFeedback.h"

namespace chorus::media {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using Estimator = SubscriberBandwidthEstimator;
using TimePoint = Estimator::TimePoint;

const TimePoint kStart{std::chrono::seconds(1000)};
constexpr std::size_t kPacketSize = 1200;
constexpr microseconds kFeedbackInterval{100'000};
constexpr microseconds kOneWayDelay{20'000};

// How the path treats packet `index`: lost, or delayed by this much beyond kOneWayDelay.
struct PathBehaviour {
  std::size_t lossEvery = 0;  // every n-th packet lost; 0 for none
  microseconds extraDelayPerPacket{0};
};

class SyntheticPath {
 public:
  explicit SyntheticPath(Estimator& estimator) : estimator_(estimator) {}

  // Sends at `bitrate` for `duration`, the subscriber reporting every kFeedbackInterval.
  void run(std::uint64_t bitrate, milliseconds duration, const PathBehaviour& behaviour) {
    const microseconds interval{kPacketSize * 8 * 1'000'000 / bitrate};
    const TimePoint end = now_ + duration;
    TimePoint nextFeedback = now_ + kFeedbackInterval;
    while (now_ < end) {
      estimator_.onPacketSent(sequence_, kPacketSize, now_);
      std::optional<microseconds> arrival;
      if (behaviour.lossEvery == 0 || index_ % behaviour.lossEvery != 0) {
        queue_ += behaviour.extraDelayPerPacket;
        arrival = std::chrono::duration_cast<microseconds>(now_.time_since_epoch()) + kOneWayDelay +
                  queue_;
      }
      pending_.push_back({sequence_, arrival});
      ++sequence_;
      ++index_;
      now_ += interval;
      if (now_ >= nextFeedback) {
        sendFeedback();
        nextFeedback += kFeedbackInterval;
      }
    }
  }

 private:
  void sendFeedback() {
    if (pending_.empty()) {
      return;
    }
    // The reference time: the first arrival (or any time before) in 64 ms ticks.
    // (with nothing received, about now: a browser's reference time runs on with its clock).
    std::int64_t first =
        (std::chrono::duration_cast<microseconds>(now_.time_since_epoch()) + kOneWayDelay).count();
    for (const auto& packet : pending_) {
      if (packet.arrivalTime) {
        first = packet.arrivalTime->count();
        break;
      }
    }
    const RtcpTransportFeedback::FeedbackInfo info{
        .senderSsrc = 1,
        .mediaSsrc = 2,
        .referenceTime = static_cast<std::int32_t>(
            (first / RtcpTransportFeedback::kReferenceTimeTick.count()) & 0x7fffff),
        .feedbackPacketCount = feedbackCount_++};
    std::array<std::uint8_t, 1500> bytes{};
    const auto size = RtcpTransportFeedback::build(bytes, info, pending_);
    ASSERT_TRUE(size);
    const auto compound = RtcpCompoundView::parse(std::span(bytes).first(*size));
    ASSERT_TRUE(compound);
    const auto feedback = RtcpTransportFeedback::parse(*compound->begin());
    ASSERT_TRUE(feedback);
    estimator_.onFeedback(*feedback, now_ + kOneWayDelay);
    pending_.clear();
  }

  Estimator& estimator_;
  TimePoint now_ = kStart;
  std::uint16_t sequence_ = 65'000;  // wraps during the runs
  std::size_t index_ = 1;
  microseconds queue_{0};
  std::uint8_t feedbackCount_ = 0;
  std::vector<RtcpTransportFeedback::PacketArrival> pending_;
};

constexpr std::uint64_t kRate = 2'000'000;
constexpr std::uint64_t kCeiling =
    static_cast<std::uint64_t>(Estimator::kAckedCeiling * kRate) + Estimator::kIncreaseMargin;

TEST(SubscriberBandwidthEstimatorTest, StartsAtTheStartBitrate) {
  const Estimator estimator;
  EXPECT_EQ(estimator.estimate(), Estimator::kStartBitrate);
  EXPECT_FALSE(estimator.acknowledgedRate());
}

TEST(SubscriberBandwidthEstimatorTest, SteadyDeliveryConvergesToTheCeilingAboveTheSentRate) {
  Estimator estimator;
  SyntheticPath path(estimator);
  path.run(kRate, std::chrono::seconds(5), {});
  ASSERT_TRUE(estimator.acknowledgedRate());
  EXPECT_NEAR(static_cast<double>(*estimator.acknowledgedRate()), kRate, kRate * 0.03);
  EXPECT_EQ(estimator.lossFraction(), 0.0);
  EXPECT_FALSE(estimator.overusing());
  // 8 %/s from 1 Mbit/s: about 1.47 Mbit/s after 5 s.
  EXPECT_GT(estimator.estimate(), 1'400'000U);
  EXPECT_LT(estimator.estimate(), 1'550'000U);
  path.run(kRate, std::chrono::seconds(25), {});
  EXPECT_GE(estimator.estimate(), kRate);
  EXPECT_NEAR(static_cast<double>(estimator.estimate()), kCeiling, kCeiling * 0.03);
  EXPECT_EQ(estimator.unknownReported(), 0U);
}

TEST(SubscriberBandwidthEstimatorTest, LowSentRateCapsTheEstimate) {
  Estimator estimator;
  SyntheticPath path(estimator);
  constexpr std::uint64_t kLowRate = 300'000;
  path.run(kLowRate, std::chrono::seconds(3), {});
  const double ceiling = Estimator::kAckedCeiling * kLowRate + Estimator::kIncreaseMargin;
  EXPECT_NEAR(static_cast<double>(estimator.estimate()), ceiling, ceiling * 0.05);
}

TEST(SubscriberBandwidthEstimatorTest, TwentyPercentLossDecreasesBelowTheAcknowledgedRate) {
  Estimator estimator;
  SyntheticPath path(estimator);
  path.run(kRate, std::chrono::seconds(30), {});
  const std::uint64_t before = estimator.estimate();
  path.run(kRate, std::chrono::seconds(2), {.lossEvery = 5});
  EXPECT_NEAR(estimator.lossFraction(), 0.2, 0.02);
  EXPECT_FALSE(estimator.overusing());
  ASSERT_TRUE(estimator.acknowledgedRate());
  EXPECT_NEAR(static_cast<double>(*estimator.acknowledgedRate()), kRate * 0.8, kRate * 0.05);
  EXPECT_LT(estimator.estimate(), before / 2);
  EXPECT_NEAR(static_cast<double>(estimator.estimate()),
              Estimator::kDecreaseFactor * static_cast<double>(*estimator.acknowledgedRate()),
              kRate * 0.01);
}

TEST(SubscriberBandwidthEstimatorTest, FivePercentLossHoldsTheEstimate) {
  Estimator estimator;
  SyntheticPath path(estimator);
  path.run(kRate, std::chrono::seconds(3), {});
  // Once the window holds only lossy feedbacks, the estimate neither grows nor falls.
  path.run(kRate, std::chrono::seconds(1), {.lossEvery = 20});
  const std::uint64_t before = estimator.estimate();
  path.run(kRate, std::chrono::seconds(3), {.lossEvery = 20});
  EXPECT_NEAR(estimator.lossFraction(), 0.05, 0.01);
  EXPECT_EQ(estimator.estimate(), before);
}

TEST(SubscriberBandwidthEstimatorTest, GrowingDelaysAreOveruseAndDecrease) {
  Estimator estimator;
  SyntheticPath path(estimator);
  path.run(kRate, std::chrono::seconds(30), {});
  const std::uint64_t before = estimator.estimate();
  // 4.8 ms between packets; each waits 0.3 ms longer than the one before: a queue building up
  // (about 6 ms per 100 ms feedback), no loss.
  path.run(kRate, std::chrono::seconds(1), {.extraDelayPerPacket = microseconds(300)});
  EXPECT_TRUE(estimator.overusing());
  EXPECT_EQ(estimator.lossFraction(), 0.0);
  ASSERT_TRUE(estimator.acknowledgedRate());
  // The queue stretches arrivals: 4.8 ms of sending arrives over 5.1 ms.
  EXPECT_NEAR(static_cast<double>(*estimator.acknowledgedRate()), kRate * 4.8 / 5.1, kRate * 0.02);
  EXPECT_LT(estimator.estimate(), before);
  EXPECT_NEAR(static_cast<double>(estimator.estimate()),
              Estimator::kDecreaseFactor * static_cast<double>(*estimator.acknowledgedRate()),
              kRate * 0.01);
}

TEST(SubscriberBandwidthEstimatorTest, JitterWithoutAGrowingQueueIsNoOveruse) {
  Estimator estimator;
  SyntheticPath path(estimator);
  // The queue grows 5 ms in the first 100 ms and then stays: a step, not a trend.
  path.run(kRate, std::chrono::seconds(3), {});
  path.run(kRate, std::chrono::milliseconds(100), {.extraDelayPerPacket = microseconds(240)});
  path.run(kRate, std::chrono::seconds(1), {});
  EXPECT_FALSE(estimator.overusing());
}

TEST(SubscriberBandwidthEstimatorTest, RecoveryAfterLossIncreasesMultiplicatively) {
  Estimator estimator;
  SyntheticPath path(estimator);
  path.run(kRate, std::chrono::seconds(30), {});
  path.run(kRate, std::chrono::seconds(2), {.lossEvery = 5});
  const std::uint64_t afterLoss = estimator.estimate();
  path.run(kRate, std::chrono::seconds(1), {});  // the lossy feedbacks leave the window
  const std::uint64_t recovering = estimator.estimate();
  path.run(kRate, std::chrono::seconds(5), {});
  EXPECT_GT(estimator.estimate(), recovering);
  // 8 %/s: about 1.47 times in 5 s.
  EXPECT_NEAR(static_cast<double>(estimator.estimate()) / static_cast<double>(recovering), 1.47,
              0.05);
  EXPECT_GT(recovering, afterLoss / 2);
  path.run(kRate, std::chrono::seconds(20), {});
  EXPECT_NEAR(static_cast<double>(estimator.estimate()), kCeiling, kCeiling * 0.03);
}

TEST(SubscriberBandwidthEstimatorTest, UnknownSequenceNumbersAreCountedAndIgnored) {
  Estimator estimator;
  const std::array<RtcpTransportFeedback::PacketArrival, 3> arrivals{{
      {.sequenceNumber = 7, .arrivalTime = microseconds(64'000)},
      {.sequenceNumber = 8, .arrivalTime = std::nullopt},
      {.sequenceNumber = 9, .arrivalTime = microseconds(70'000)},
  }};
  std::array<std::uint8_t, 64> bytes{};
  const auto size = RtcpTransportFeedback::build(bytes, {.referenceTime = 1}, arrivals);
  ASSERT_TRUE(size);
  const auto compound = RtcpCompoundView::parse(std::span(bytes).first(*size));
  estimator.onFeedback(*RtcpTransportFeedback::parse(*compound->begin()), kStart);
  EXPECT_EQ(estimator.unknownReported(), 3U);
  EXPECT_EQ(estimator.estimate(), Estimator::kStartBitrate);
  EXPECT_EQ(estimator.lossFraction(), 0.0);
}

TEST(SubscriberBandwidthEstimatorTest, EstimateStaysWithinItsBounds) {
  Estimator estimator;
  SyntheticPath path(estimator);
  path.run(40'000, std::chrono::seconds(3), {.lossEvery = 2});
  EXPECT_EQ(estimator.estimate(), Estimator::kMinBitrate);
}

}  // namespace
}  // namespace chorus::media
