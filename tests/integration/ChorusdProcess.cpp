#include "tests/integration/ChorusdProcess.h"

#include <array>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace chorus::test {
namespace {
using Clock = std::chrono::steady_clock;
}

ChorusdProcess::ChorusdProcess(const std::vector<std::string>& arguments,
                               const std::vector<std::string>& extraEnvironment) {
  std::array<int, 2> pipeFds{};
  if (pipe2(pipeFds.data(), O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  std::vector<std::string> argumentStrings{CHORUSD_PATH};
  argumentStrings.insert(argumentStrings.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  argv.reserve(argumentStrings.size() + 1);
  for (auto& argument : argumentStrings) {
    argv.push_back(argument.data());
  }
  argv.push_back(nullptr);
  std::vector<std::string> environmentStrings(extraEnvironment);
  for (char** entry = environ; *entry != nullptr; ++entry) {
    environmentStrings.emplace_back(*entry);
  }
  std::vector<char*> envp;
  envp.reserve(environmentStrings.size() + 1);
  for (auto& variable : environmentStrings) {
    envp.push_back(variable.data());
  }
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipeFds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipeFds[1], STDERR_FILENO);
  const int error = posix_spawn(&pid_, CHORUSD_PATH, &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(pipeFds[1]);
  outputFd_ = pipeFds[0];
  if (error != 0) {
    throw std::runtime_error("posix_spawn chorusd failed");
  }
}

ChorusdProcess::~ChorusdProcess() {
  if (!exitStatus_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  close(outputFd_);
}

bool ChorusdProcess::readSome(std::chrono::milliseconds timeout) {
  pollfd descriptor{outputFd_, POLLIN, 0};
  if (poll(&descriptor, 1, static_cast<int>(timeout.count())) <= 0) {
    return false;
  }
  std::array<char, 4096> chunk{};
  const ssize_t count = read(outputFd_, chunk.data(), chunk.size());
  if (count <= 0) {
    return false;
  }
  output_.append(chunk.data(), static_cast<std::size_t>(count));
  return true;
}

std::optional<std::string> ChorusdProcess::waitForLine(std::string_view needle,
                                                       std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    std::size_t lineEnd = 0;
    while ((lineEnd = output_.find('\n', scanned_)) != std::string::npos) {
      const std::string line = output_.substr(scanned_, lineEnd - scanned_);
      scanned_ = lineEnd + 1;
      if (line.find(needle) != std::string::npos) {
        return line;
      }
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 || !readSome(left)) {
      return std::nullopt;  // timed out, or the process closed its output
    }
  }
}

std::optional<int> ChorusdProcess::waitForExit(std::chrono::seconds timeout) {
  if (!exitStatus_) {
    // A pidfd becomes readable when the process ends: wait on it instead of sleeping.
    const int pidFd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
    pollfd descriptor{pidFd, POLLIN, 0};
    const int ready = poll(&descriptor, 1, static_cast<int>(timeout.count() * 1000));
    close(pidFd);
    int status = 0;
    if (ready <= 0 || waitpid(pid_, &status, 0) != pid_) {
      return std::nullopt;
    }
    exitStatus_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  while (readSome(std::chrono::milliseconds(0))) {
  }
  return exitStatus_;
}

void ChorusdProcess::sendSignal(int signal) const {
  kill(pid_, signal);
}

std::uint16_t ChorusdProcess::httpPort() {
  const auto line = waitForLine("http_listening");
  if (!line) {
    throw std::runtime_error("chorusd never listened; output:\n" + output_);
  }
  return static_cast<std::uint16_t>(std::stoi(fieldOf(*line, "port")));
}

std::string fieldOf(std::string_view line, std::string_view key) {
  const std::string pattern = " " + std::string(key) + "=";
  const std::size_t at = line.find(pattern);
  if (at == std::string_view::npos) {
    return "";
  }
  const std::string_view rest = line.substr(at + pattern.size());
  return std::string(rest.substr(0, rest.find(' ')));
}

}  // namespace chorus::test
