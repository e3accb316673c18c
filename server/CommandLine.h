#pragma once

#include <optional>
#include <string>

#include "server/config/Config.h"

namespace chorus::server {

// chorusd's command line: --config FILE, --print-config, --version, and one --<key> VALUE flag
// per configuration key (--http.port 8081). The configuration it yields has every layer applied:
// defaults, the file (--config or CHORUS_CONFIG), CHORUS_* variables, then the flags.
// `chorusd token --app KEY --secret SECRET --user ID --room ROOM [--ttl 1h] [--publish BOOL]
// [--subscribe BOOL]` mints an access token instead (docs/signaling.md, "Access tokens").
struct CommandLine {
  static constexpr int kExitConfigError = 2;

  Config config;
  // Set when the process should exit at once with this status: after --help, --version,
  // --print-config or `token` (0), or a bad flag or configuration (2, with the reason on stderr).
  std::optional<int> exitStatus;
  // What to print on stdout before exiting: the version, the configuration, or the token.
  std::string output;

  static CommandLine parse(int argc, const char* const* argv, const char* const* environment);
  static CommandLine parse(int argc, const char* const* argv);  // with this process's environment
};

}  // namespace chorus::server
