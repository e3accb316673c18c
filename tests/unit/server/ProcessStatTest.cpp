#include <gtest/gtest.h>

#include "server/metrics/ProcessCollector.h"

namespace chorus::server {
namespace {

// /proc/<pid>/stat of a chorusd, captured on Debian 12 (kernel 6.1); the command name holds a
// space and a parenthesis, as proc(5) allows.
constexpr std::string_view kStat =
    "4242 (chorus (w 0)) S 1 4242 4242 0 -1 4194560 1650 0 0 0 250 130 0 0 20 0 5 0 "
    "987654 123456789 4096 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";

TEST(ProcessStatTest, ReadsCpuMemoryThreadsAndStartTime) {
  const auto stat = ProcessStat::parse(kStat, 100, 4096);
  ASSERT_TRUE(stat);
  EXPECT_DOUBLE_EQ(stat->cpuSeconds, 3.8);  // (250 + 130) ticks / 100
  EXPECT_DOUBLE_EQ(stat->threads, 5);
  EXPECT_DOUBLE_EQ(stat->startSeconds, 9876.54);
  EXPECT_DOUBLE_EQ(stat->virtualBytes, 123456789);
  EXPECT_DOUBLE_EQ(stat->residentBytes, 4096.0 * 4096.0);
}

TEST(ProcessStatTest, TruncatedOrGarbledTextIsRejected) {
  EXPECT_FALSE(ProcessStat::parse("4242 (chorusd) S 1 2 3", 100, 4096));
  EXPECT_FALSE(ProcessStat::parse("no parenthesis at all", 100, 4096));
  EXPECT_FALSE(ProcessStat::parse(kStat, 0, 4096));
}

}  // namespace
}  // namespace chorus::server
