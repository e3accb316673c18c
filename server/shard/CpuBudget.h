#pragma once

#include <optional>
#include <string_view>

namespace chorus::server {

// How many CPUs this process may really use: the CPUs in its affinity mask, further capped by
// its cgroup's CPU quota (a Kubernetes CPU limit), not the host's core count, so a pod limited
// to 2 CPUs on a 64-core node starts 2 workers rather than 64.
struct CpuBudget {
  unsigned affinityCpus = 1;
  std::optional<unsigned> quotaCpus;  // nothing when the cgroup sets no limit

  unsigned usable() const;

  static CpuBudget detect();
};

// cgroup v2 `cpu.max` ("150000 100000" → 2, rounded up; "max 100000" → nothing).
std::optional<unsigned> cpusFromCpuMax(std::string_view cpuMax);

// cgroup v1 `cpu.cfs_quota_us` and `cpu.cfs_period_us` (quota -1 → nothing).
std::optional<unsigned> cpusFromCfsQuota(long long quotaMicros, long long periodMicros);

// The cgroup v2 path of this process from the text of /proc/self/cgroup ("0::/kubepods/..").
std::optional<std::string_view> cgroupV2Path(std::string_view procSelfCgroup);

}  // namespace chorus::server
