#pragma once

#include <optional>

#include "server/config/Config.h"

namespace chorus::server {

// chorusd's command line: --config FILE, --print-config, --version, and one --<key> VALUE flag
// per configuration key (--http.port 8081). The configuration it yields has every layer applied:
// defaults, the file (--config or CHORUS_CONFIG), CHORUS_* variables, then the flags.
struct CommandLine {
  static constexpr int kExitConfigError = 2;

  Config config;
  // Set when the process should exit at once with this status: after --help, --version or
  // --print-config (0), or a bad flag or configuration (2, with the reason on stderr).
  std::optional<int> exitStatus;

  static CommandLine parse(int argc, const char* const* argv, const char* const* environment);
  static CommandLine parse(int argc, const char* const* argv);  // with this process's environment
};

}  // namespace chorus::server
