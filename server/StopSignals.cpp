#include "server/StopSignals.h"

#include <cerrno>
#include <csignal>
#include <pthread.h>
#include <sys/signalfd.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace chorus::server {

namespace {

int blockedSignalDescriptor() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  if (const int error = pthread_sigmask(SIG_BLOCK, &signals, nullptr); error != 0) {
    throw boost::system::system_error(error, boost::system::system_category(), "pthread_sigmask");
  }
  const int descriptor = signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC);
  if (descriptor < 0) {
    throw boost::system::system_error(errno, boost::system::system_category(), "signalfd");
  }
  return descriptor;
}

}  // namespace

StopSignals::StopSignals(boost::asio::io_context& context)
    : descriptor_(context, blockedSignalDescriptor()) {}

void StopSignals::asyncWait(std::function<void(int signal)> handler) {
  descriptor_.async_wait(
      boost::asio::posix::stream_descriptor::wait_read,
      [this, handler = std::move(handler)](const boost::system::error_code& error) mutable {
        if (error) {
          return;
        }
        signalfd_siginfo info{};
        if (::read(descriptor_.native_handle(), &info, sizeof(info)) !=
            static_cast<ssize_t>(sizeof(info))) {
          asyncWait(std::move(handler));  // another reader was first; wait for the next
          return;
        }
        handler(static_cast<int>(info.ssi_signo));
      });
}

}  // namespace chorus::server
