#include <gtest/gtest.h>

#include "server/shard/CpuBudget.h"

namespace chorus::server {
namespace {

TEST(CpuBudgetTest, CgroupV2CpuMaxRoundsPartialCpusUp) {
  EXPECT_EQ(cpusFromCpuMax("200000 100000\n"), 2U);
  EXPECT_EQ(cpusFromCpuMax("150000 100000\n"), 2U);
  EXPECT_EQ(cpusFromCpuMax("50000 100000"), 1U);
  EXPECT_EQ(cpusFromCpuMax("max 100000\n"), std::nullopt);
  EXPECT_EQ(cpusFromCpuMax("garbage"), std::nullopt);
}

TEST(CpuBudgetTest, CgroupV1QuotaOfMinusOneIsUnlimited) {
  EXPECT_EQ(cpusFromCfsQuota(-1, 100000), std::nullopt);
  EXPECT_EQ(cpusFromCfsQuota(400000, 100000), 4U);
}

TEST(CpuBudgetTest, UsableIsTheSmallerOfAffinityAndQuota) {
  EXPECT_EQ((CpuBudget{64, 2}).usable(), 2U);  // a 2-CPU pod on a 64-core node
  EXPECT_EQ((CpuBudget{2, 8}).usable(), 2U);   // taskset to 2 CPUs under a loose limit
  EXPECT_EQ((CpuBudget{4, std::nullopt}).usable(), 4U);
}

TEST(CpuBudgetTest, FindsTheUnifiedHierarchyLineInProcSelfCgroup) {
  EXPECT_EQ(cgroupV2Path("0::/kubepods/burstable/pod1/abc\n"), "/kubepods/burstable/pod1/abc");
  EXPECT_EQ(cgroupV2Path("4:memory:/x\n1:cpu:/\n0::/\n"), "/");
  EXPECT_EQ(cgroupV2Path("4:memory:/x\n1:cpu:/\n"), std::nullopt);
}

TEST(CpuBudgetTest, DetectFindsAtLeastOneCpu) {
  const CpuBudget budget = CpuBudget::detect();
  EXPECT_GE(budget.affinityCpus, 1U);
  EXPECT_GE(budget.usable(), 1U);
}

}  // namespace
}  // namespace chorus::server
