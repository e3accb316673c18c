#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "media/stats/PacketCounters.h"
#include "media/wire/PacketPool.h"
#include "server/config/Config.h"
#include "server/net/UdpEndpoint.h"

namespace chorus::server {

// One worker: an Asio event loop on its own thread, with its own packet pool and UDP media port.
// Everything a shard owns is touched only from its thread; other threads talk to it by posting
// to context().
class Shard : public DatagramReceiver {
 public:
  // Binds the media port at once, so a port in use fails start-up before any thread runs.
  Shard(unsigned index, const boost::asio::ip::udp::endpoint& mediaEndpoint,
        const Config::Media& config);
  ~Shard() override;
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  void start();
  // Stops the loop and joins the thread. Safe to call from any other thread, more than once.
  void stop();

  unsigned index() const { return index_; }
  boost::asio::ip::udp::endpoint mediaEndpoint() const { return udp_.localEndpoint(); }
  boost::asio::io_context& context() { return context_; }
  const media::PacketCounters& counters() const { return counters_; }
  const media::PacketPool& pool() const { return pool_; }
  // When the loop last ran its heartbeat timer: a stuck loop stops moving this.
  std::chrono::steady_clock::time_point lastHeartbeat() const;

  void onDatagram(media::PacketRef& packet, const media::SocketAddress& from) override;
  void onBatchEnd() override {}

 private:
  void beat();

  unsigned index_;
  boost::asio::io_context context_{1};  // run by one thread: Asio keeps its handlers thread-private
  media::PacketCounters counters_;
  media::PacketPool pool_;
  UdpEndpoint udp_;
  boost::asio::steady_timer heartbeat_;
  std::atomic<std::chrono::steady_clock::rep> lastHeartbeat_;
  std::thread thread_;
  std::thread::id owner_;  // the shard's thread, for debug-build assertions
};

}  // namespace chorus::server
