#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <sys/types.h>

namespace chorus::bench {

// What /proc says about a process at one moment.
struct ProcessSample {
  std::chrono::nanoseconds cpu{};  // user + system time of all its threads (/proc/<pid>/stat)
  std::uint64_t rssBytes = 0;      // resident set (/proc/<pid>/statm)
};

ProcessSample sampleProcess(pid_t pid);
// Pins `pid` (0: the calling thread; otherwise every thread of the process) to one CPU; false
// where that CPU does not exist.
bool pinToCpu(pid_t pid, int cpu);
// The same onto CPUs first..last.
bool pinToCpus(pid_t pid, int first, int last);

// A chorusd the harness starts for one run: dev_mode on (so tokens are minted with the public
// dev application's secret, no manual step), every port chosen by the kernel, its output in
// `logPath`. Stopped with SIGTERM when destroyed.
class ServerProcess {
 public:
  ServerProcess(const std::string& chorusdPath, unsigned workers, const std::string& logPath);
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  ~ServerProcess();

  pid_t pid() const { return pid_; }
  std::uint16_t httpPort() const { return httpPort_; }

 private:
  pid_t pid_ = -1;
  std::uint16_t httpPort_ = 0;
};

}  // namespace chorus::bench
