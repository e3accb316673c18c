#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/metrics/MetricsExposition.h"
#include "server/metrics/ProcessCollector.h"
#include "tests/support/PrometheusText.h"

namespace chorus::server {
namespace {
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

TEST(MetricsExpositionTest, ScrapeIsValidPrometheusTextWithBuildAndProcessMetrics) {
  MetricsExposition metrics;
  const ProcessCollector process;
  metrics.addCollector(process);
  const std::string text = metrics.scrape();
  EXPECT_THAT(test::prometheusTextProblems(text), IsEmpty()) << text;
  EXPECT_THAT(text, HasSubstr("chorus_build_info{"));
  EXPECT_THAT(text, HasSubstr("version=\"0.1.0\""));
  const auto resident = test::prometheusSample(text, "process_resident_memory_bytes");
  ASSERT_TRUE(resident);
  EXPECT_GT(*resident, 1e6);  // a process with gtest loaded is well over a megabyte
  const auto start = test::prometheusSample(text, "process_start_time_seconds");
  ASSERT_TRUE(start);
  EXPECT_GT(*start, 1.7e9);  // after 2023
  EXPECT_GE(test::prometheusSample(text, "process_threads").value_or(0), 1);
  EXPECT_GE(test::prometheusSample(text, "process_open_fds").value_or(0), 3);
}

TEST(PrometheusTextTest, CheckerCatchesWhatScrapersReject) {
  EXPECT_THAT(test::prometheusTextProblems("# TYPE a gauge\na 1\n"), IsEmpty());
  EXPECT_THAT(test::prometheusTextProblems("# TYPE a gauge\na{x=\"1\"} +Inf 123\n"), IsEmpty());
  EXPECT_THAT(test::prometheusTextProblems("a 1\n"), Not(IsEmpty()));  // no TYPE
  EXPECT_THAT(test::prometheusTextProblems("# TYPE a gauge\na one\n"), Not(IsEmpty()));
  EXPECT_THAT(test::prometheusTextProblems("# TYPE a gauge\na{x=1} 1\n"), Not(IsEmpty()));
  EXPECT_THAT(test::prometheusTextProblems("# TYPE a gauge\n# TYPE a gauge\n"), Not(IsEmpty()));
  EXPECT_THAT(test::prometheusTextProblems("# TYPE a gauge\na 1"), Not(IsEmpty()));
}

}  // namespace
}  // namespace chorus::server
