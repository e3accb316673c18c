#pragma once

#include <functional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

namespace chorus::server {

// SIGINT and SIGTERM as events on an Asio loop, read from a signalfd(2) rather than caught by a
// handler. Constructing it blocks both signals in the calling thread, so construct it before
// any other thread starts: threads inherit the mask, the signals stay pending for the whole
// process, and the descriptor the loop waits on becomes readable. No handler ever interrupts a
// thread, so none can be deferred and lost: under ThreadSanitizer, which defers handlers to a
// safe point, a SIGINT handled by Asio's signal_set was seen lost while every thread slept in
// epoll_wait (about 1 run in 20).
class StopSignals {
 public:
  explicit StopSignals(boost::asio::io_context& context);
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  StopSignals(StopSignals&&) = delete;
  StopSignals& operator=(StopSignals&&) = delete;
  ~StopSignals() = default;

  // Calls `handler` on the loop with the next stop signal's number.
  void asyncWait(std::function<void(int signal)> handler);

 private:
  boost::asio::posix::stream_descriptor descriptor_;
};

}  // namespace chorus::server
