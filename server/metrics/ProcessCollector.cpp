#include "server/metrics/ProcessCollector.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

#include "server/metrics/MetricFamilies.h"

namespace chorus::server {
namespace {

// proc(5) field numbers (1-based) of /proc/<pid>/stat, counted from the state field (3), which
// follows the command name in parentheses; the name itself may hold spaces and parentheses.
constexpr int kStateField = 3;
constexpr int kUtimeField = 14;
constexpr int kStimeField = 15;
constexpr int kThreadsField = 20;
constexpr int kStartTimeField = 22;
constexpr int kVsizeField = 23;
constexpr int kRssField = 24;

std::optional<double> fieldAt(const std::vector<std::string_view>& fields, int number) {
  const auto index = static_cast<std::size_t>(number - kStateField);
  if (index >= fields.size()) {
    return std::nullopt;
  }
  unsigned long long value = 0;
  const std::string_view text = fields[index];
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return static_cast<double>(value);
}

std::optional<double> bootTimeSeconds() {
  std::ifstream stat("/proc/stat");
  std::string word;
  while (stat >> word) {
    if (word == "btime") {
      double seconds = 0;
      stat >> seconds;
      return seconds;
    }
  }
  return std::nullopt;
}

double openFileDescriptors() {
  std::error_code error;
  const auto entries = std::filesystem::directory_iterator("/proc/self/fd", error);
  return error ? 0 : static_cast<double>(std::distance(begin(entries), end(entries)));
}

}  // namespace

std::optional<ProcessStat> ProcessStat::parse(std::string_view stat, long ticksPerSecond,
                                              long pageBytes) {
  const std::size_t nameEnd = stat.rfind(')');
  if (nameEnd == std::string_view::npos || ticksPerSecond <= 0 || pageBytes <= 0) {
    return std::nullopt;
  }
  std::vector<std::string_view> fields;
  std::string_view rest = stat.substr(nameEnd + 1);
  while (!rest.empty()) {
    const std::size_t start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(start);
    const std::size_t end = std::min(rest.find_first_of(" \n"), rest.size());
    fields.push_back(rest.substr(0, end));
    rest.remove_prefix(end);
  }
  const auto utime = fieldAt(fields, kUtimeField);
  const auto stime = fieldAt(fields, kStimeField);
  const auto threads = fieldAt(fields, kThreadsField);
  const auto start = fieldAt(fields, kStartTimeField);
  const auto vsize = fieldAt(fields, kVsizeField);
  const auto rss = fieldAt(fields, kRssField);
  if (!utime || !stime || !threads || !start || !vsize || !rss) {
    return std::nullopt;
  }
  const auto ticks = static_cast<double>(ticksPerSecond);
  return ProcessStat{(*utime + *stime) / ticks, *start / ticks, *vsize,
                     *rss * static_cast<double>(pageBytes), *threads};
}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  std::ifstream file("/proc/self/stat");
  const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  const auto stat = ProcessStat::parse(text, sysconf(_SC_CLK_TCK), sysconf(_SC_PAGESIZE));
  const auto boot = bootTimeSeconds();
  if (!stat || !boot) {
    return {};
  }
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);

  auto cpu = counterFamily("process_cpu_seconds_total", "User and system CPU time spent");
  addSample(cpu, stat->cpuSeconds);
  auto resident = gaugeFamily("process_resident_memory_bytes", "Resident memory size");
  addSample(resident, stat->residentBytes);
  auto virtualMemory = gaugeFamily("process_virtual_memory_bytes", "Virtual memory size");
  addSample(virtualMemory, stat->virtualBytes);
  auto start = gaugeFamily("process_start_time_seconds", "Start time since the Unix epoch");
  addSample(start, *boot + stat->startSeconds);
  auto openFds = gaugeFamily("process_open_fds", "Open file descriptors");
  addSample(openFds, openFileDescriptors());
  auto maxFds = gaugeFamily("process_max_fds", "Limit on open file descriptors");
  addSample(maxFds, static_cast<double>(files.rlim_cur));
  auto threads = gaugeFamily("process_threads", "Operating-system threads of the process");
  addSample(threads, stat->threads);
  return {cpu, resident, virtualMemory, start, openFds, maxFds, threads};
}

}  // namespace chorus::server
