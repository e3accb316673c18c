#include "server/shard/Shard.h"

#include <cassert>
#include <pthread.h>
#include <span>
#include <string>

namespace chorus::server {
namespace {

constexpr auto kHeartbeatPeriod = std::chrono::milliseconds(250);

}  // namespace

Shard::Shard(unsigned index, const boost::asio::ip::udp::endpoint& mediaEndpoint,
             const Config::Media& config)
    : index_(index),
      pool_(config.packetPoolSlots),
      udp_(context_, mediaEndpoint, config.udpBufferBytes, pool_, counters_, *this),
      heartbeat_(context_),
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

// The packet path. No transports exist yet, so every datagram is classified, counted and
// dropped; the WebRTC transports take STUN checks and known 5-tuples here.
void Shard::onDatagram(media::PacketRef& packet, const media::SocketAddress& /*from*/) {
  assert(std::this_thread::get_id() == owner_ && "a shard is touched only by its thread");
  const auto kind = media::classifyPacket(packet->data());
  counters_.countReceived(kind, packet->length);
  counters_.countDrop(kind == media::PacketKind::kUnknown ? media::DropReason::kUnclassified
                                                          : media::DropReason::kUnknownPeer);
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
