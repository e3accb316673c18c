#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <unordered_map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "media/stats/RelaxedCounter.h"
#include "media/wire/StreamFramer.h"

namespace chorus::server {

class ShardPool;

// How the listener's part of an ICE-TCP connection ended.
enum class IceTcpHandshake : std::uint8_t {
  kHandedOff,     // its first frame named a transport: the connection went to that shard
  kTimeout,       // no complete first frame within the handshake timeout
  kPeerClosed,    // closed or reset before a complete first frame
  kFraming,       // the first frame's length was 0 or over StreamFramer::kMaxFrame
  kNotStun,       // the first frame was not a STUN Binding request with a USERNAME
  kUnknownUfrag,  // no transport has the ufrag the USERNAME names
  kPendingLimit,  // too many connections were already waiting for their first frame
};
inline constexpr std::size_t kIceTcpHandshakeCount = 7;

std::string_view toString(IceTcpHandshake result) noexcept;

// The TCP port of ICE-TCP passive candidates (RFC 6544): clients whose UDP is blocked connect
// here. One port for the process, on the control thread: a connection's first RFC 4571 frame
// must be a STUN Binding request, whose USERNAME names the local ufrag of the transport it is
// for (RFC 8445 §7.2.2); the shard owning that ufrag (UfragDirectory) gets the socket and the
// bytes read so far, and from then on the connection is that shard's alone. Anything else is
// closed and counted. Until the first frame arrives a connection costs a descriptor and a
// 2 KiB buffer, for at most the handshake timeout, and at most maxPending of them wait at once.
class IceTcpListener {
 public:
  struct Limits {
    std::chrono::milliseconds handshakeTimeout{5000};
    std::size_t maxPending = 256;
  };

  // Binds at once, so a port in use fails start-up.
  IceTcpListener(boost::asio::io_context& context, const boost::asio::ip::tcp::endpoint& local,
                 ShardPool& shards, Limits limits);

  void start();
  // Closes the port and every connection still waiting for its first frame. On the context's
  // thread.
  void stop();

  boost::asio::ip::tcp::endpoint localEndpoint() const { return acceptor_.local_endpoint(); }
  // Written by the control thread; read by the metrics scrape and tests.
  std::span<const media::RelaxedCounter, kIceTcpHandshakeCount> handshakes() const {
    return handshakes_;
  }

 private:
  struct Pending {
    boost::asio::ip::tcp::socket socket;
    boost::asio::steady_timer timer;
    media::StreamFramer received;
  };
  using PendingId = std::uint64_t;

  void accept();
  void onAccepted(boost::asio::ip::tcp::socket socket);
  void readFirstFrame(PendingId id, Pending& pending);
  void onRead(PendingId id, const boost::system::error_code& error, std::size_t bytes);
  void handOff(PendingId id, Pending& pending, std::span<const std::uint8_t> frame);
  void finish(PendingId id, IceTcpHandshake result);

  boost::asio::io_context& context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  ShardPool& shards_;
  Limits limits_;
  // Handlers find their connection by id: one that finished meanwhile is simply not found.
  std::unordered_map<PendingId, std::unique_ptr<Pending>> pending_;
  PendingId nextId_ = 0;
  std::array<media::RelaxedCounter, kIceTcpHandshakeCount> handshakes_;
};

}  // namespace chorus::server
