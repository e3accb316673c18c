#pragma once

#include <string>

#include "benchmarks/load/LoadRun.h"

namespace chorus::bench {

// A run's outputs: the JSON document of benchmarks/load/README.md ("Output") and a Markdown
// table of its steps.
class RunReport {
 public:
  static std::string json(const RunResult& result);
  static std::string markdown(const RunResult& result);
};

}  // namespace chorus::bench
