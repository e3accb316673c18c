#include "benchmarks/load/ServerProcess.h"

#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sched.h>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX names it nowhere else

namespace chorus::bench {
namespace {

constexpr std::chrono::seconds kStartTimeout{20};

// The port of chorusd's "http_listening ... port=N" log line, once it is written.
std::uint16_t listeningPort(const std::string& logPath) {
  std::ifstream log(logPath);
  std::string line;
  while (std::getline(log, line)) {
    const auto event = line.find("http_listening");
    const auto port = line.find(" port=", event == std::string::npos ? line.size() : event);
    if (event != std::string::npos && port != std::string::npos) {
      return static_cast<std::uint16_t>(std::stoi(line.substr(port + 6)));
    }
  }
  return 0;
}

}  // namespace

ProcessSample sampleProcess(pid_t pid) {
  ProcessSample sample;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  std::getline(stat, text);
  // proc(5): the fields after the command name in parentheses; utime and stime are the 14th
  // and 15th, in clock ticks.
  const auto close = text.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    std::uint64_t utime = 0;
    std::uint64_t stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
      if (i == 14) {
        utime = std::stoull(field);
      } else if (i == 15) {
        stime = std::stoull(field);
      }
    }
    const auto ticks = static_cast<std::uint64_t>(::sysconf(_SC_CLK_TCK));
    sample.cpu = std::chrono::nanoseconds((utime + stime) * 1'000'000'000ULL / ticks);
  }
  std::ifstream statm("/proc/" + std::to_string(pid) + "/statm");
  std::uint64_t size = 0;
  std::uint64_t resident = 0;
  statm >> size >> resident;
  sample.rssBytes = resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  return sample;
}

bool pinToCpu(pid_t pid, int cpu) {
  return pinToCpus(pid, cpu, cpu);
}

bool pinToCpus(pid_t pid, int first, int last) {
  if (first < 0 || first > last || last >= static_cast<int>(std::thread::hardware_concurrency())) {
    return false;
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int cpu = first; cpu <= last; ++cpu) {
    CPU_SET(cpu, &set);
  }
  if (pid == 0) {
    return ::sched_setaffinity(0, sizeof(set), &set) == 0;
  }
  // sched_setaffinity(2) pins one thread: a server started earlier already has its workers, so
  // every thread of /proc/<pid>/task is pinned (threads started later inherit it).
  std::error_code error;
  bool pinned = false;
  for (const auto& task :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", error)) {
    const pid_t thread = static_cast<pid_t>(std::stol(task.path().filename().string()));
    if (::sched_setaffinity(thread, sizeof(set), &set) != 0) {
      return false;
    }
    pinned = true;
  }
  return pinned;
}

ServerProcess::ServerProcess(const std::string& chorusdPath, unsigned workers,
                             const std::string& logPath) {
  std::vector<std::string> arguments{chorusdPath,
                                     "--dev_mode",
                                     "true",
                                     "--http.port",
                                     "0",
                                     "--media.port_base",
                                     "0",
                                     "--media.tcp_port",
                                     "0",
                                     "--media.listen_address",
                                     "127.0.0.1",
                                     "--workers.count",
                                     std::to_string(workers),
                                     "--rooms.max_participants",
                                     "5000",
                                     "--signaling.messages_per_second",
                                     "100"};
  std::vector<char*> argv;
  argv.reserve(arguments.size() + 1);
  for (auto& argument : arguments) {
    argv.push_back(argument.data());
  }
  argv.push_back(nullptr);
  const int logFd = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (logFd < 0) {
    throw std::runtime_error("cannot write " + logPath);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, logFd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, logFd, STDERR_FILENO);
  const int error =
      posix_spawn(&pid_, chorusdPath.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(logFd);
  if (error != 0) {
    throw std::runtime_error("cannot start " + chorusdPath);
  }
  // NOTE: polling the log a few times a second at start-up only; the run itself never sleeps.
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while ((httpPort_ = listeningPort(logPath)) == 0) {
    if (std::chrono::steady_clock::now() > deadline || ::waitpid(pid_, nullptr, WNOHANG) != 0) {
      throw std::runtime_error("chorusd did not start; see " + logPath);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    // SIGINT stops at once; SIGTERM would drain, waiting out the clients' resume window.
    ::kill(pid_, SIGINT);
    ::waitpid(pid_, nullptr, 0);
  }
}

}  // namespace chorus::bench
