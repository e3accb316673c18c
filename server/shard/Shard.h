#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "server/shard/ShardCounters.h"

namespace chorus::server {

// One worker: an Asio event loop on its own thread, with its own UDP media port. Everything a
// shard owns is touched only from its thread; other threads talk to it by posting to context().
class Shard {
 public:
  // Binds the media port at once, so a port in use fails start-up before any thread runs.
  Shard(unsigned index, const boost::asio::ip::udp::endpoint& mediaEndpoint);
  ~Shard();
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  void start();
  // Stops the loop and joins the thread. Safe to call from any other thread, more than once.
  void stop();

  unsigned index() const { return index_; }
  boost::asio::ip::udp::endpoint mediaEndpoint() const;
  boost::asio::io_context& context() { return context_; }
  const ShardCounters& counters() const { return counters_; }
  // When the loop last ran its heartbeat timer: a stuck loop stops moving this.
  std::chrono::steady_clock::time_point lastHeartbeat() const;

 private:
  void receive();
  void onDatagram(std::size_t size);
  void beat();

  // RFC 768: the largest UDP payload; nothing arriving is ever truncated.
  static constexpr std::size_t kMaxDatagram = 65535;

  unsigned index_;
  boost::asio::io_context context_{1};  // run by one thread: Asio keeps its handlers thread-private
  boost::asio::ip::udp::socket socket_;
  boost::asio::steady_timer heartbeat_;
  boost::asio::ip::udp::endpoint sender_;
  std::array<std::uint8_t, kMaxDatagram> datagram_{};
  std::atomic<std::chrono::steady_clock::rep> lastHeartbeat_;
  ShardCounters counters_;
  std::thread thread_;
  std::thread::id owner_;  // the shard's thread, for debug-build assertions
};

}  // namespace chorus::server
