#include "server/shard/Shard.h"

#include <cassert>
#include <cstdint>
#include <pthread.h>
#include <span>
#include <string>
#include <sys/eventfd.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/system/system_error.hpp>
#include <spdlog/spdlog.h>

namespace chorus::server {
namespace {

constexpr auto kHeartbeatPeriod = std::chrono::milliseconds(250);
// Transports' timers (DTLS retransmission, ICE consent) run at this granularity: far finer
// than the 1 s DTLS retransmit and 30 s consent timeouts they serve.
constexpr auto kTickPeriod = std::chrono::milliseconds(20);

int makeEventFd() {
  const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) {
    throw boost::system::system_error(errno, boost::system::system_category(), "eventfd");
  }
  return fd;
}

}  // namespace

Shard::Shard(unsigned index, const boost::asio::ip::udp::endpoint& mediaEndpoint,
             const Config::Media& config, const media::DtlsCertificate& certificate,
             UfragDirectory& directory)
    : index_(index),
      pool_(config.packetPoolSlots),
      router_(index, pool_, *this),
      testDropPermille_(config.testDropPermille),
      wake_(context_, makeEventFd()),
      udp_(context_, mediaEndpoint, config.udpBufferBytes, pool_, counters_, *this),
      certificate_(certificate),
      directory_(directory),
      heartbeat_(context_),
      ticker_(context_),
      lastHeartbeat_(std::chrono::steady_clock::now().time_since_epoch().count()) {}

Shard::~Shard() {
  stop();
}

void Shard::start() {
  thread_ = std::thread([this] {
    const std::string name = "chorus-w" + std::to_string(index_);
    pthread_setname_np(pthread_self(), name.c_str());
    owner_ = std::this_thread::get_id();
    udp_.start();
    awaitWake();
    beat();
    tick();
    context_.run();
  });
}

void Shard::connect(Shard& peer, media::ShardLink& outbound, media::ShardLink& inbound) {
  peers_.resize(std::max<std::size_t>(peers_.size(), peer.index() + 1), nullptr);
  peers_[peer.index()] = &peer;
  router_.connect(peer.index(), outbound, inbound);
}

void Shard::notify() {
  const std::uint64_t one = 1;
  // A full counter (2^64 - 2 wakes unread) cannot happen; a failed write is a lost wake-up
  // that the next batch end or tick makes up for.
  [[maybe_unused]] const auto written = ::write(wake_.native_handle(), &one, sizeof one);
}

void Shard::awaitWake() {
  wake_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                   [this](const boost::system::error_code& error) {
                     if (error) {
                       return;
                     }
                     std::uint64_t count = 0;
                     [[maybe_unused]] const auto read =
                         ::read(wake_.native_handle(), &count, sizeof count);
                     router_.drain(std::chrono::steady_clock::now());
                     // What the drain sent (forwarded packets, keyframe requests) leaves now,
                     // not at the next tick or receive batch.
                     udp_.flush();
                     awaitWake();
                   });
}

void Shard::onBatchEnd() {
  router_.drain(std::chrono::steady_clock::now());
}

void Shard::wake(std::size_t peer) {
  peers_[peer]->notify();
}

void Shard::sendRtp(media::TransportKey transport, media::PacketRef packet) {
  if (testDropPermille_ != 0 && testDropsNext()) {
    return;  // media.test_drop_permille: the slot goes back with `packet`
  }
  if (media::WebRtcTransport* found = transports_.find(transport)) {
    found->sendRtp(std::move(packet));
  } else {
    counters_.countDrop(media::DropReason::kNoTransport);
  }
}

bool Shard::testDropsNext() {
  // xorshift32 (Marsaglia, 2003): uniform enough for loss injection, deterministic per shard.
  constexpr unsigned kShiftA = 13;
  constexpr unsigned kShiftB = 17;
  constexpr unsigned kShiftC = 5;
  constexpr std::uint32_t kPermille = 1000;
  testDropState_ ^= testDropState_ << kShiftA;
  testDropState_ ^= testDropState_ >> kShiftB;
  testDropState_ ^= testDropState_ << kShiftC;
  if (testDropState_ % kPermille >= testDropPermille_) {
    return false;
  }
  ++testDropped_;
  return true;
}

void Shard::sendRtcp(media::TransportKey transport, media::PacketRef packet) {
  if (media::WebRtcTransport* found = transports_.find(transport)) {
    found->sendRtcp(std::move(packet));
  } else {
    counters_.countDrop(media::DropReason::kNoTransport);
  }
}

void Shard::stop() {
  context_.stop();
  if (thread_.joinable()) {
    thread_.join();
  }
}

std::chrono::steady_clock::time_point Shard::lastHeartbeat() const {
  return std::chrono::steady_clock::time_point(
      std::chrono::steady_clock::duration(lastHeartbeat_.load(std::memory_order_relaxed)));
}

// The packet path: a datagram from a bound 5-tuple goes to its transport; STUN from a new
// 5-tuple goes to the transport its USERNAME names, which binds the 5-tuple if the check is
// authentic (RFC 7983 demultiplexing on one shared port). Anything else is dropped and counted.
void Shard::onDatagram(media::PacketRef& packet, const media::SocketAddress& from) {
  assert(std::this_thread::get_id() == owner_ && "a shard is touched only by its thread");
  const auto kind = media::classifyPacket(packet->data());
  counters_.countReceived(kind, packet->length);
  media::WebRtcTransport* bound = transports_.byAddress(from);
  if (kind == media::PacketKind::kStun) {
    onStunDatagram(packet, from, bound);
    return;
  }
  if (bound == nullptr) {
    counters_.countDrop(kind == media::PacketKind::kUnknown ? media::DropReason::kUnclassified
                                                            : media::DropReason::kUnknownPeer);
    return;
  }
  bound->onDatagram(packet, kind, from, std::chrono::steady_clock::now());
}

void Shard::onStunDatagram(const media::PacketRef& packet, const media::SocketAddress& from,
                           media::WebRtcTransport* bound) {
  const auto parsed = media::StunMessage::parse(packet->data());
  if (!parsed.message) {
    counters_.countDrop(media::DropReason::kStunMalformed);
    return;
  }
  media::WebRtcTransport* transport = bound;
  if (const auto username = parsed.message->username(); transport == nullptr && username) {
    transport = transports_.byUfrag(username->substr(0, username->find(':')));
  }
  if (transport == nullptr) {
    counters_.countDrop(media::DropReason::kUnknownPeer);
    return;
  }
  transport->onStun(*parsed.message, from, std::chrono::steady_clock::now());
}

media::WebRtcTransport& Shard::addTransport(TransportId id,
                                            const media::WebRtcTransportConfig& config) {
  media::TransportSink& sink = *this;
  media::TransportObserver& observer = *this;
  auto transport =
      std::make_unique<media::WebRtcTransport>(config, certificate_, sink, observer, counters_);
  media::WebRtcTransport& added = transports_.add(id, std::move(transport));
  transportStats_.created.add();
  directory_.add(added.localIce().ufrag, index_);
  added.start(std::chrono::steady_clock::now());
  return added;
}

void Shard::removeTransport(TransportId id) {
  if (media::WebRtcTransport* transport = transports_.find(id)) {
    transport->close();
    udp_.flush();  // close_notify leaves before the transport is gone
    directory_.remove(transport->localIce().ufrag, index_);
    forget(id);
    closeUnboundTcpConnections();
  }
}

void Shard::forget(TransportId id) {
  if (const media::WebRtcTransport* transport = transports_.find(id)) {
    if (transport->connected()) {
      transportStats_.connectedRemoved.add();
    }
    transports_.remove(id);
    transportStats_.removed.add();
  }
}

void Shard::restartIce(TransportId id, media::IceCredentials local, std::string_view remoteUfrag) {
  media::WebRtcTransport* transport = transports_.find(id);
  if (transport == nullptr) {
    return;
  }
  const std::string oldUfrag = transport->localIce().ufrag;
  transport->restartIce(std::move(local), remoteUfrag);
  transports_.reindexUfrag(*transport, oldUfrag);
  directory_.remove(oldUfrag, index_);
  directory_.add(transport->localIce().ufrag, index_);
}

// A send goes to the peer's ICE-TCP connection when its address is one, else by UDP. The
// lookup is skipped while the shard has no TCP connection at all, the common case.
void Shard::sendPacket(media::PacketRef packet, const media::SocketAddress& to) {
  if (!tcpConnections_.empty()) {
    if (const auto found = tcpConnections_.find(to); found != tcpConnections_.end()) {
      if (found->second) {
        found->second->send(std::move(packet));
      } else {
        counters_.countDrop(media::DropReason::kTcpClosed);
      }
      return;
    }
  }
  udp_.send(std::move(packet), to);
}

void Shard::adoptTcpConnection(TcpIceHandoff handoff) {
  boost::asio::post(context_, [this, handoff = std::move(handoff)]() mutable { adopt(handoff); });
}

void Shard::adopt(TcpIceHandoff& handoff) {
  assert(std::this_thread::get_id() == owner_ && "a shard is touched only by its thread");
  boost::asio::ip::tcp::socket socket(context_);
  boost::system::error_code error;
  socket.assign(handoff.protocol, handoff.fd.get(), error);
  if (error) {
    return;  // the descriptor closes with the hand-off
  }
  handoff.fd.release();
  retire(handoff.remote, TcpCloseReason::kPeerClosed);  // an older connection from there is gone
  TcpFrameReceiver& receiver = *this;
  auto& slot = tcpConnections_[handoff.remote];
  slot = std::make_unique<TcpIceConnection>(std::move(socket), handoff.remote, handoff.received,
                                            pool_, counters_, receiver);
  tcpCounters_.opened.add();
  spdlog::debug("ice_tcp_connection worker={} remote={}", index_, handoff.remote.toString());
  slot->start();
}

// A TCP frame takes the datagram path with the connection's address as its source. The first
// one must be an authentic check, which binds the address to a transport; a connection nothing
// is bound to is closed, so an unauthenticated peer cannot hold connections open.
void Shard::onFrame(TcpIceConnection& connection, media::PacketRef& packet) {
  onDatagram(packet, connection.remote());
  udp_.flush();  // what the frame made us send by UDP, if anything, leaves now
  if (transports_.byAddress(connection.remote()) == nullptr) {
    retire(connection.remote(), TcpCloseReason::kUnauthenticated);
  }
}

void Shard::onConnectionClosed(TcpIceConnection& connection, TcpCloseReason reason) {
  retire(connection.remote(), reason);
}

void Shard::retire(const media::SocketAddress& remote, TcpCloseReason reason) {
  const auto found = tcpConnections_.find(remote);
  if (found == tcpConnections_.end() || !found->second) {
    return;
  }
  found->second->close();
  tcpCounters_.countClosed(reason);
  spdlog::debug("ice_tcp_closed worker={} remote={} reason={}", index_, remote.toString(),
                toString(reason));
  closedTcpConnections_.push_back(std::move(found->second));
  if (transports_.byAddress(remote) == nullptr) {
    tcpConnections_.erase(found);
  }
}

void Shard::closeUnboundTcpConnections() {
  for (auto it = tcpConnections_.begin(); it != tcpConnections_.end();) {
    if (transports_.byAddress(it->first) != nullptr) {
      ++it;
      continue;
    }
    if (it->second) {
      it->second->close();
      tcpCounters_.countClosed(TcpCloseReason::kTransportGone);
      closedTcpConnections_.push_back(std::move(it->second));
    }
    it = tcpConnections_.erase(it);
  }
}

void Shard::onTransportAddress(media::WebRtcTransport& transport,
                               const media::SocketAddress& from) {
  transports_.bindAddress(transport, from);
  spdlog::info("transport_address worker={} transport={} address={}", index_,
               transports_.idOf(transport), from.toString());
}

void Shard::onTransportConnected(media::WebRtcTransport& transport) {
  transportStats_.connected.add();
  const TransportId id = transports_.idOf(transport);
  spdlog::info("transport_connected worker={} transport={}", index_, id);
  router_.onSubscriberConnected(id, std::chrono::steady_clock::now());
  if (events_ != nullptr) {
    events_->onTransportConnected(id);
  }
}

void Shard::onTransportClosed(media::WebRtcTransport& transport,
                              media::TransportCloseReason reason) {
  const TransportId id = transports_.idOf(transport);
  transportStats_.closed[static_cast<std::size_t>(reason)].add();
  if (const auto failure = transport.dtlsFailure()) {
    transportStats_.dtlsFailures[static_cast<std::size_t>(*failure)].add();
    spdlog::warn("transport_closed worker={} transport={} reason={} dtls_failure={}", index_, id,
                 media::toString(reason), media::toString(*failure));
  } else {
    spdlog::info("transport_closed worker={} transport={} reason={}", index_, id,
                 media::toString(reason));
  }
  closing_.push_back(id);
  if (events_ != nullptr) {
    events_->onTransportFailed(id);
  }
}

// Until the routing core arrives, decrypted media ends here; the packet's slot is reused.
// Decrypted media goes to the router, which forwards it to the stream's subscribers.
void Shard::onRtp(media::WebRtcTransport& transport, media::PacketRef& packet) {
  counters_.rtpReceived.add();
  router_.onRtp(transports_.idOf(transport), packet, std::chrono::steady_clock::now());
}

void Shard::onRtcp(media::WebRtcTransport& transport, media::PacketRef& packet) {
  counters_.rtcpReceived.add();
  router_.onRtcp(transports_.idOf(transport), packet, std::chrono::steady_clock::now());
}

void Shard::tick() {
  // Closed before the previous tick: every handler queued for them had been queued before that
  // tick ran, so it has run by now (the queue is FIFO); those closed since wait one more tick.
  retiredTcpConnections_.clear();
  std::swap(retiredTcpConnections_, closedTcpConnections_);
  const auto now = std::chrono::steady_clock::now();
  transports_.forEach(
      [now](TransportId /*id*/, media::WebRtcTransport& transport) { transport.onTimer(now); });
  router_.tick(now);
  for (const TransportId id : closing_) {
    if (const media::WebRtcTransport* transport = transports_.find(id)) {
      directory_.remove(transport->localIce().ufrag, index_);
    }
    forget(id);
  }
  if (!closing_.empty()) {
    closeUnboundTcpConnections();
  }
  closing_.clear();
  udp_.flush();
  workerStats_.poolInUse.store(pool_.capacity() - pool_.available(), std::memory_order_relaxed);
  ticker_.expires_after(kTickPeriod);
  ticker_.async_wait([this](const boost::system::error_code& error) {
    if (!error) {
      const std::chrono::duration<double> late =
          std::chrono::steady_clock::now() - ticker_.expiry();
      workerStats_.loopLag.observe(late.count());
      tick();
    }
  });
}

void Shard::beat() {
  lastHeartbeat_.store(std::chrono::steady_clock::now().time_since_epoch().count(),
                       std::memory_order_relaxed);
  heartbeat_.expires_after(kHeartbeatPeriod);
  heartbeat_.async_wait([this](const boost::system::error_code& error) {
    if (!error) {
      beat();
    }
  });
}

}  // namespace chorus::server
