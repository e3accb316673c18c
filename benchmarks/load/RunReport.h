#pragma once

#include <string>

#include "benchmarks/load/LoadRun.h"

namespace chorus::bench {

// A run's outputs: the JSON document of benchmarks/load/README.md ("Output"), a Markdown table
// of its steps, and the same steps as whitespace-separated columns for gnuplot
// (benchmarks/load/plot.gp).
class RunReport {
 public:
  static std::string json(const RunResult& result);
  static std::string markdown(const RunResult& result);
  static std::string plotData(const RunResult& result);
  // One line: what the run found.
  static std::string summary(const RunResult& result);
};

}  // namespace chorus::bench
