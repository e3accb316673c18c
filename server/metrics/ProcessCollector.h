#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <prometheus/collectable.h>

namespace chorus::server {

// What /proc/self/stat says about this process, in SI units.
struct ProcessStat {
  double cpuSeconds = 0;    // user + system
  double startSeconds = 0;  // since boot
  double virtualBytes = 0;
  double residentBytes = 0;
  double threads = 0;

  // Parses the text of /proc/<pid>/stat (proc(5)); nothing if it is not in that shape.
  static std::optional<ProcessStat> parse(std::string_view stat, long ticksPerSecond,
                                          long pageBytes);
};

// The standard process_* metrics every Prometheus client exports (CPU, memory, file
// descriptors, start time, threads), read from /proc when scraped.
class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace chorus::server
