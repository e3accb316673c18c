#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "media/stats/PacketCounters.h"
#include "media/stats/RelaxedCounter.h"
#include "media/wire/PacketPool.h"
#include "media/wire/SocketAddress.h"
#include "media/wire/StreamFramer.h"
#include "server/net/UniqueFd.h"

namespace chorus::server {

// Why an ICE-TCP connection ended.
enum class TcpCloseReason : std::uint8_t {
  kPeerClosed,       // the peer closed or reset it
  kSocketError,      // a read or write failed otherwise
  kFraming,          // an RFC 4571 frame of length 0 or over StreamFramer::kMaxFrame
  kUnauthenticated,  // its first check did not bind it to a transport
  kTransportGone,    // the transport it was bound to was removed
};
inline constexpr std::size_t kTcpCloseReasonCount = 5;

std::string_view toString(TcpCloseReason reason) noexcept;

// A shard's ICE-TCP connections, counted by its thread and summed by the metrics scrape.
struct TcpConnectionCounters {
  media::RelaxedCounter opened;
  std::array<media::RelaxedCounter, kTcpCloseReasonCount> closed;  // by TcpCloseReason

  void countClosed(TcpCloseReason reason) noexcept {
    closed[static_cast<std::size_t>(reason)].add();
  }
};

// An accepted ICE-TCP connection on its way from the listener to the shard that owns the
// transport its first check names: the socket's descriptor (closed if the hand-off never
// runs), its protocol, the peer's address, and every byte read so far, first frame included.
struct TcpIceHandoff {
  UniqueFd fd;
  boost::asio::ip::tcp protocol = boost::asio::ip::tcp::v4();
  media::SocketAddress remote;
  media::StreamFramer received;
};

class TcpIceConnection;

// Told what arrives on a TcpIceConnection. `packet` holds one frame; the receiver may move it
// out. onConnectionClosed follows a close the connection decided itself, not close().
class TcpFrameReceiver {
 public:
  virtual ~TcpFrameReceiver() = default;
  virtual void onFrame(TcpIceConnection& connection, media::PacketRef& packet) = 0;
  virtual void onConnectionClosed(TcpIceConnection& connection, TcpCloseReason reason) = 0;
};

// One ICE-TCP connection (RFC 6544, passive side) on a shard: reads RFC 4571 frames into pool
// packets for the shard's packet path, and writes packets with their length prefix. Sends wait
// in a fixed ring of kSendQueuePackets; a full ring drops and counts (tcp_backpressure), so a
// peer that reads slowly costs a bounded number of pool slots and never blocks the shard.
// Nothing allocates per packet. One shard's object: touched only from its thread.
//
// NOTE: after close() the owner keeps the object alive until handlers already queued have run
// (the shard frees closed connections two ticks later). Handlers completing with
// operation_aborted touch nothing, so destroying it later is safe too.
class TcpIceConnection {
 public:
  static constexpr std::size_t kSendQueuePackets = 64;
  // Packets gathered into one write: two buffers each (length prefix, packet).
  static constexpr std::size_t kWriteBatch = 16;

  // `received` holds the bytes read before the hand-off; start() delivers its frames first.
  TcpIceConnection(boost::asio::ip::tcp::socket socket, const media::SocketAddress& remote,
                   const media::StreamFramer& received, media::PacketPool& pool,
                   media::PacketCounters& counters, TcpFrameReceiver& receiver);
  TcpIceConnection(const TcpIceConnection&) = delete;
  TcpIceConnection& operator=(const TcpIceConnection&) = delete;
  ~TcpIceConnection() = default;

  void start();
  // Queues `packet` behind its RFC 4571 length; dropped and counted when the queue is full.
  void send(media::PacketRef packet);
  // Closes the socket now; queued packets are discarded. No observer call follows.
  void close() noexcept;

  const media::SocketAddress& remote() const { return remote_; }
  bool isOpen() const { return open_; }
  std::size_t queuedPackets() const { return queued_; }

 private:
  void readMore();
  void onRead(const boost::system::error_code& error, std::size_t bytes);
  void deliverFrames();
  void writeQueued();
  void writeSome();
  void onWritten(const boost::system::error_code& error, std::size_t bytes);
  void fail(TcpCloseReason reason);

  boost::asio::ip::tcp::socket socket_;
  media::SocketAddress remote_;
  media::StreamFramer framer_;
  media::PacketPool& pool_;
  media::PacketCounters& counters_;
  TcpFrameReceiver& receiver_;
  // The send ring: packets [head_, head_ + queued_) modulo its size, the first writing_ of them
  // in the write under way. A packet's length prefix sits at the same index.
  std::array<media::PacketRef, kSendQueuePackets> queue_;
  std::array<std::array<std::uint8_t, 2>, kSendQueuePackets> prefixes_{};
  std::array<boost::asio::const_buffer, 2 * kWriteBatch> gather_;
  std::size_t gatherBegin_ = 0;  // gather_[gatherBegin_, gatherEnd_) is still to be written
  std::size_t gatherEnd_ = 0;
  std::size_t head_ = 0;
  std::size_t queued_ = 0;
  std::size_t writing_ = 0;
  bool open_ = true;
};

}  // namespace chorus::server
