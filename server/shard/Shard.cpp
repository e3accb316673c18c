#include "server/shard/Shard.h"

#include <cassert>
#include <pthread.h>
#include <span>
#include <string>

#include <spdlog/spdlog.h>

namespace chorus::server {
namespace {

constexpr auto kHeartbeatPeriod = std::chrono::milliseconds(250);
// Transports' timers (DTLS retransmission, ICE consent) run at this granularity: far finer
// than the 1 s DTLS retransmit and 30 s consent timeouts they serve.
constexpr auto kTickPeriod = std::chrono::milliseconds(20);

}  // namespace

Shard::Shard(unsigned index, const boost::asio::ip::udp::endpoint& mediaEndpoint,
             const Config::Media& config, const media::DtlsCertificate& certificate)
    : index_(index),
      pool_(config.packetPoolSlots),
      udp_(context_, mediaEndpoint, config.udpBufferBytes, pool_, counters_, *this),
      certificate_(certificate),
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
    beat();
    tick();
    context_.run();
  });
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
  added.start(std::chrono::steady_clock::now());
  return added;
}

void Shard::removeTransport(TransportId id) {
  if (media::WebRtcTransport* transport = transports_.find(id)) {
    transport->close();
    udp_.flush();  // close_notify leaves before the transport is gone
    transports_.remove(id);
    transportStats_.removed.add();
  }
}

void Shard::sendPacket(media::PacketRef packet, const media::SocketAddress& to) {
  udp_.send(std::move(packet), to);
}

void Shard::onTransportAddress(media::WebRtcTransport& transport,
                               const media::SocketAddress& from) {
  transports_.bindAddress(transport, from);
  spdlog::info("transport_address worker={} transport={} address={}", index_,
               transports_.idOf(transport), from.toString());
}

void Shard::onTransportConnected(media::WebRtcTransport& transport) {
  transportStats_.connected.add();
  spdlog::info("transport_connected worker={} transport={}", index_, transports_.idOf(transport));
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
}

// Until the routing core arrives, decrypted media ends here; the packet's slot is reused.
void Shard::onRtp(media::WebRtcTransport& /*transport*/, media::PacketRef& /*packet*/) {}

void Shard::onRtcp(media::WebRtcTransport& /*transport*/, media::PacketRef& /*packet*/) {}

void Shard::tick() {
  const auto now = std::chrono::steady_clock::now();
  transports_.forEach(
      [now](TransportId /*id*/, media::WebRtcTransport& transport) { transport.onTimer(now); });
  for (const TransportId id : closing_) {
    transports_.remove(id);
    transportStats_.removed.add();
  }
  closing_.clear();
  udp_.flush();
  ticker_.expires_after(kTickPeriod);
  ticker_.async_wait([this](const boost::system::error_code& error) {
    if (!error) {
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
