#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace chorus::test {

// A chorusd child process with its stdout and stderr captured together. Killed on destruction
// if still running.
class ChorusdProcess {
 public:
  explicit ChorusdProcess(const std::vector<std::string>& arguments,
                          const std::vector<std::string>& extraEnvironment = {});
  ~ChorusdProcess();
  ChorusdProcess(const ChorusdProcess&) = delete;
  ChorusdProcess& operator=(const ChorusdProcess&) = delete;

  // The first output line at or after the read position containing `needle`, waiting up to
  // `timeout` for it; the read position moves past it.
  std::optional<std::string> waitForLine(std::string_view needle,
                                         std::chrono::seconds timeout = std::chrono::seconds(30));
  // The exit status, waiting up to `timeout`; nothing if still running then.
  std::optional<int> waitForExit(std::chrono::seconds timeout = std::chrono::seconds(30));
  void sendSignal(int signal) const;

  // The HTTP port, from the `http_listening` log line.
  std::uint16_t httpPort();
  const std::string& output() const { return output_; }

 private:
  bool readSome(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int outputFd_ = -1;
  std::string output_;
  std::size_t scanned_ = 0;
  std::optional<int> exitStatus_;
};

// The value of `key=` in a key=value log line, e.g. fieldOf(line, "port").
std::string fieldOf(std::string_view line, std::string_view key);

}  // namespace chorus::test
