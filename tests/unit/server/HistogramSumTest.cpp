#include <array>
#include <limits>

#include <prometheus/text_serializer.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/metrics/HistogramSum.h"
#include "server/metrics/MetricFamilies.h"
#include "tests/support/PrometheusText.h"

namespace chorus::server {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr std::array<double, 2> kBounds{0.5, 2};

TEST(HistogramSumTest, AddsWorkersBucketsIntoCumulativePrometheusBuckets) {
  media::FixedHistogram first(kBounds);
  media::FixedHistogram second(kBounds);
  first.observe(0.25);
  first.observe(1);
  second.observe(0.5);
  second.observe(3);
  second.observe(4);
  HistogramSum sum(kBounds);
  sum.add(first);
  sum.add(second);
  EXPECT_EQ(sum.count(), 5U);
  EXPECT_DOUBLE_EQ(sum.sum(), 8.75);
  const auto histogram = sum.toPrometheus();
  ASSERT_EQ(histogram.bucket.size(), 3U);
  EXPECT_EQ(histogram.bucket[0].cumulative_count, 2U);
  EXPECT_DOUBLE_EQ(histogram.bucket[0].upper_bound, 0.5);
  EXPECT_EQ(histogram.bucket[1].cumulative_count, 3U);
  EXPECT_EQ(histogram.bucket[2].cumulative_count, 5U);
  EXPECT_EQ(histogram.bucket[2].upper_bound, std::numeric_limits<double>::infinity());
  EXPECT_EQ(histogram.sample_count, 5U);
  EXPECT_DOUBLE_EQ(histogram.sample_sum, 8.75);
}

TEST(HistogramSumTest, EmptySumIsAHistogramOfZeros) {
  const HistogramSum sum(kBounds);
  EXPECT_EQ(sum.count(), 0U);
  const auto histogram = sum.toPrometheus();
  ASSERT_EQ(histogram.bucket.size(), 3U);
  EXPECT_EQ(histogram.bucket[2].cumulative_count, 0U);
}

TEST(HistogramSumTest, SerializesAsValidPrometheusHistogramWithLabels) {
  media::FixedHistogram worker(kBounds);
  worker.observe(1);
  HistogramSum sum(kBounds);
  sum.add(worker);
  auto family = histogramFamily("chorus_test_seconds", "a test histogram");
  addHistogram(family, sum, {{"worker", "0"}});
  const std::string text = prometheus::TextSerializer().Serialize({family});
  EXPECT_THAT(test::prometheusTextProblems(text), IsEmpty()) << text;
  EXPECT_THAT(text, HasSubstr("# TYPE chorus_test_seconds histogram"));
  EXPECT_EQ(test::prometheusSample(text, R"(chorus_test_seconds_bucket{worker="0",le="0.5"})"), 0);
  EXPECT_EQ(test::prometheusSample(text, R"(chorus_test_seconds_bucket{worker="0",le="2"})"), 1);
  EXPECT_EQ(test::prometheusSample(text, R"(chorus_test_seconds_bucket{worker="0",le="+Inf"})"), 1);
  EXPECT_EQ(test::prometheusSample(text, R"(chorus_test_seconds_count{worker="0"})"), 1);
  EXPECT_EQ(test::prometheusSample(text, R"(chorus_test_seconds_sum{worker="0"})"), 1);
}

}  // namespace
}  // namespace chorus::server
