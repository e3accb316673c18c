#include "server/shard/CpuBudget.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sched.h>
#include <string>

namespace chorus::server {
namespace {

std::optional<std::string> readFile(const std::filesystem::path& file) {
  std::ifstream stream(file);
  if (!stream) {
    return std::nullopt;
  }
  return std::string{std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

std::optional<long long> parseInteger(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

unsigned affinityCpuCount() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) {
    return 1;
  }
  return static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
}

// The tightest quota on the path from this process's cgroup up to the root: a parent's limit
// binds its children too.
std::optional<unsigned> cgroupV2Quota() {
  const auto self = readFile("/proc/self/cgroup");
  const auto path = self ? cgroupV2Path(*self) : std::nullopt;
  if (!path) {
    return std::nullopt;
  }
  std::optional<unsigned> tightest;
  for (std::filesystem::path dir =
           std::filesystem::path("/sys/fs/cgroup") / std::filesystem::path(*path).relative_path();
       ; dir = dir.parent_path()) {
    if (const auto cpuMax = readFile(dir / "cpu.max")) {
      if (const auto cpus = cpusFromCpuMax(*cpuMax)) {
        tightest = std::min(tightest.value_or(*cpus), *cpus);
      }
    }
    if (dir == "/sys/fs/cgroup" || !dir.has_relative_path()) {
      break;
    }
  }
  return tightest;
}

std::optional<unsigned> cgroupV1Quota() {
  const auto quota = readFile("/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
  const auto period = readFile("/sys/fs/cgroup/cpu/cpu.cfs_period_us");
  if (!quota || !period) {
    return std::nullopt;
  }
  const auto quotaValue = parseInteger(*quota);
  const auto periodValue = parseInteger(*period);
  if (!quotaValue || !periodValue) {
    return std::nullopt;
  }
  return cpusFromCfsQuota(*quotaValue, *periodValue);
}

}  // namespace

unsigned CpuBudget::usable() const {
  return std::max(1U, std::min(affinityCpus, quotaCpus.value_or(affinityCpus)));
}

CpuBudget CpuBudget::detect() {
  CpuBudget budget;
  budget.affinityCpus = affinityCpuCount();
  budget.quotaCpus = cgroupV2Quota();
  if (!budget.quotaCpus) {
    budget.quotaCpus = cgroupV1Quota();
  }
  return budget;
}

std::optional<unsigned> cpusFromCpuMax(std::string_view cpuMax) {
  const std::size_t space = cpuMax.find(' ');
  if (space == std::string_view::npos || cpuMax.substr(0, space) == "max") {
    return std::nullopt;
  }
  const auto quota = parseInteger(cpuMax.substr(0, space));
  const auto period = parseInteger(cpuMax.substr(space + 1));
  if (!quota || !period) {
    return std::nullopt;
  }
  return cpusFromCfsQuota(*quota, *period);
}

std::optional<unsigned> cpusFromCfsQuota(long long quotaMicros, long long periodMicros) {
  if (quotaMicros <= 0 || periodMicros <= 0) {
    return std::nullopt;
  }
  // A fractional quota (1.5 CPUs) still needs a second thread to be used at all.
  return static_cast<unsigned>((quotaMicros + periodMicros - 1) / periodMicros);
}

std::optional<std::string_view> cgroupV2Path(std::string_view procSelfCgroup) {
  while (!procSelfCgroup.empty()) {
    const std::size_t end = std::min(procSelfCgroup.find('\n'), procSelfCgroup.size());
    const std::string_view line = procSelfCgroup.substr(0, end);
    if (line.starts_with("0::")) {
      return line.substr(3);
    }
    procSelfCgroup.remove_prefix(std::min(end + 1, procSelfCgroup.size()));
  }
  return std::nullopt;
}

}  // namespace chorus::server
