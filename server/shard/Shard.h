#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "media/routing/Router.h"
#include "media/session/WebRtcTransport.h"
#include "media/stats/PacketCounters.h"
#include "media/wire/PacketPool.h"
#include "server/config/Config.h"
#include "server/net/TcpIceConnection.h"
#include "server/net/UdpEndpoint.h"
#include "server/shard/TransportEvents.h"
#include "server/shard/TransportStats.h"
#include "server/shard/TransportTable.h"
#include "server/shard/UfragDirectory.h"
#include "server/shard/WorkerStats.h"

namespace chorus::server {

// One worker: an Asio event loop on its own thread, with its own packet pool and UDP media port,
// and the ICE-TCP connections of its transports. Everything a shard owns is touched only from
// its thread; other threads talk to it by posting to context().
class Shard : public DatagramReceiver,
              private TcpFrameReceiver,
              private media::TransportSink,
              private media::TransportObserver,
              private media::RouterSink {
 public:
  // Binds the media port at once, so a port in use fails start-up before any thread runs.
  // `certificate` (DTLS, shared by every shard) must outlive the shard, and so must
  // `directory`, where the shard publishes its transports' ufrags for the ICE-TCP listener.
  Shard(unsigned index, const boost::asio::ip::udp::endpoint& mediaEndpoint,
        const Config::Media& config, const media::DtlsCertificate& certificate,
        UfragDirectory& directory);
  ~Shard() override;
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  // Where transport lifecycle events go; set before start(), or nothing is told.
  void setTransportEvents(TransportEvents* events) { events_ = events; }
  // Before start(): the rings to and from shard `peer` (owned by the ShardPool).
  void connect(Shard& peer, media::ShardLink& outbound, media::ShardLink& inbound);
  // Wakes the shard's loop to drain its rings. Any thread; a write to an eventfd.
  void notify();
  // The shard's forwarding core. Only on the shard's thread (post route changes to context()).
  media::Router& router() { return router_; }
  const media::RouterCounters& routerCounters() const { return router_.counters(); }

  void start();
  // Stops the loop and joins the thread. Safe to call from any other thread, more than once.
  void stop();

  unsigned index() const { return index_; }
  boost::asio::ip::udp::endpoint mediaEndpoint() const { return udp_.localEndpoint(); }
  boost::asio::io_context& context() { return context_; }
  const media::PacketCounters& counters() const { return counters_; }
  const TransportStats& transportStats() const { return transportStats_; }
  const TcpConnectionCounters& tcpCounters() const { return tcpCounters_; }
  const WorkerStats& workerStats() const { return workerStats_; }
  const media::PacketPool& pool() const { return pool_; }
  // When the loop last ran its heartbeat timer: a stuck loop stops moving this.
  std::chrono::steady_clock::time_point lastHeartbeat() const;

  // Creates a WebRTC transport on this shard. Call on the shard's thread (post to context()).
  media::WebRtcTransport& addTransport(TransportId id, const media::WebRtcTransportConfig& config);
  // Closes (close_notify) and removes a transport. Call on the shard's thread.
  void removeTransport(TransportId id);
  media::WebRtcTransport* transport(TransportId id) const { return transports_.find(id); }
  // ICE restart (RFC 8445 §9): the transport answers to new credentials from now on. Call on
  // the shard's thread.
  void restartIce(TransportId id, media::IceCredentials local, std::string_view remoteUfrag);

  // Takes over an ICE-TCP connection whose first check names one of this shard's transports.
  // Any thread: the connection is adopted on the shard's thread.
  void adoptTcpConnection(TcpIceHandoff handoff);

  void onDatagram(media::PacketRef& packet, const media::SocketAddress& from) override;
  void onBatchEnd() override;

 private:
  void onStunDatagram(const media::PacketRef& packet, const media::SocketAddress& from,
                      media::WebRtcTransport* bound);
  void beat();
  void tick();
  void awaitWake();
  void adopt(TcpIceHandoff& handoff);
  // Closes a connection (if still open), counts why, and keeps it until the next tick.
  void retire(const media::SocketAddress& remote, TcpCloseReason reason);
  // Removes a transport from the table and counts it gone.
  void forget(TransportId id);
  // After transports are removed: closes the connections no transport is bound to any more.
  void closeUnboundTcpConnections();

  // TcpFrameReceiver
  void onFrame(TcpIceConnection& connection, media::PacketRef& packet) override;
  void onConnectionClosed(TcpIceConnection& connection, TcpCloseReason reason) override;

  // media::TransportSink and media::RouterSink
  media::PacketRef allocatePacket() override { return pool_.acquire(); }
  // media::RouterSink
  void sendRtp(media::TransportKey transport, media::PacketRef packet) override;
  void sendRtcp(media::TransportKey transport, media::PacketRef packet) override;
  void wake(std::size_t peer) override;
  // media.test_drop_permille: whether to drop the next RTP packet to a subscriber.
  bool testDropsNext();
  void sendPacket(media::PacketRef packet, const media::SocketAddress& to) override;
  // media::TransportObserver
  void onTransportAddress(media::WebRtcTransport& transport,
                          const media::SocketAddress& from) override;
  void onTransportConnected(media::WebRtcTransport& transport) override;
  void onTransportClosed(media::WebRtcTransport& transport,
                         media::TransportCloseReason reason) override;
  void onRtp(media::WebRtcTransport& transport, media::PacketRef& packet) override;
  void onRtcp(media::WebRtcTransport& transport, media::PacketRef& packet) override;

  unsigned index_;
  boost::asio::io_context context_{1};  // run by one thread: Asio keeps its handlers thread-private
  media::PacketCounters counters_;
  media::PacketPool pool_;
  media::Router router_;
  unsigned testDropPermille_;                 // test-only loss injection, 0 normally
  std::uint32_t testDropState_ = 0x9E3779B9;  // its generator's state (never 0)
  std::uint64_t testDropped_ = 0;
  boost::asio::posix::stream_descriptor wake_;  // an eventfd other shards write to
  std::vector<Shard*> peers_;                   // by index; set before start
  UdpEndpoint udp_;
  const media::DtlsCertificate& certificate_;
  TransportTable transports_;
  TransportStats transportStats_;
  WorkerStats workerStats_;
  std::vector<TransportId> closing_;  // closed by their peer, removed at the next tick
  UfragDirectory& directory_;
  TransportEvents* events_ = nullptr;
  // ICE-TCP connections by peer address. A null entry is a closed connection whose address is
  // still bound to a transport: sends to it are dropped (tcp_closed) rather than sent by UDP
  // to a port that never consented over UDP, until the transport goes or the peer reconnects.
  // NOTE: TCP and UDP peers share one address space here (media::SocketAddress has no
  // protocol); one host using the same port number for both towards us is not a real case.
  std::unordered_map<media::SocketAddress, std::unique_ptr<TcpIceConnection>,
                     media::SocketAddressHash>
      tcpConnections_;
  // Closed connections wait two ticks before they are freed: one closed by the handler that ran
  // just before a tick may still have a completion queued behind that tick (a write that
  // finished before the close), which must find it alive (see TcpIceConnection's NOTE).
  std::vector<std::unique_ptr<TcpIceConnection>> closedTcpConnections_;   // since the last tick
  std::vector<std::unique_ptr<TcpIceConnection>> retiredTcpConnections_;  // freed at the next
  TcpConnectionCounters tcpCounters_;
  boost::asio::steady_timer heartbeat_;
  boost::asio::steady_timer ticker_;
  std::atomic<std::chrono::steady_clock::rep> lastHeartbeat_;
  std::thread thread_;
  std::thread::id owner_;  // the shard's thread, for debug-build assertions
};

}  // namespace chorus::server
