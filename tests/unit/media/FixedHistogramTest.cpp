#include <array>

#include <gtest/gtest.h>

#include "media/stats/FixedHistogram.h"

namespace chorus::media {
namespace {

constexpr std::array<double, 3> kBounds{0.01, 0.1, 1};

TEST(FixedHistogramTest, ValuesGoToTheFirstBucketWhoseBoundTheyDoNotExceed) {
  FixedHistogram histogram(kBounds);
  histogram.observe(0);
  histogram.observe(0.01);  // on a bound: that bucket (Prometheus's `le`)
  histogram.observe(0.0100001);
  histogram.observe(0.5);
  histogram.observe(1);
  histogram.observe(7);  // above every bound: the overflow bucket
  EXPECT_EQ(histogram.bucket(0), 2U);
  EXPECT_EQ(histogram.bucket(1), 1U);
  EXPECT_EQ(histogram.bucket(2), 2U);
  EXPECT_EQ(histogram.bucket(3), 1U);
  EXPECT_DOUBLE_EQ(histogram.sum(), 0 + 0.01 + 0.0100001 + 0.5 + 1 + 7);
  EXPECT_EQ(histogram.bounds().size(), 3U);
}

TEST(FixedHistogramTest, NegativeValuesGoToTheFirstBucket) {
  FixedHistogram histogram(kBounds);
  histogram.observe(-1);
  EXPECT_EQ(histogram.bucket(0), 1U);
  EXPECT_DOUBLE_EQ(histogram.sum(), -1);
}

}  // namespace
}  // namespace chorus::media
