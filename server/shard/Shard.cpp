#include "server/shard/Shard.h"

#include <cassert>
#include <pthread.h>
#include <span>
#include <string>

namespace chorus::server {
namespace {

constexpr auto kHeartbeatPeriod = std::chrono::milliseconds(250);

}  // namespace

std::string_view toString(DropReason reason) noexcept {
  switch (reason) {
    case DropReason::kUnclassified:
      return "unclassified";
    case DropReason::kUnknownPeer:
      return "unknown_peer";
  }
  return "unknown";
}

Shard::Shard(unsigned index, const boost::asio::ip::udp::endpoint& mediaEndpoint)
    : index_(index),
      socket_(context_, mediaEndpoint),
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
    receive();
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

boost::asio::ip::udp::endpoint Shard::mediaEndpoint() const {
  return socket_.local_endpoint();
}

std::chrono::steady_clock::time_point Shard::lastHeartbeat() const {
  return std::chrono::steady_clock::time_point(
      std::chrono::steady_clock::duration(lastHeartbeat_.load(std::memory_order_relaxed)));
}

void Shard::receive() {
  socket_.async_receive_from(boost::asio::buffer(datagram_), sender_,
                             [this](const boost::system::error_code& error, std::size_t size) {
                               if (error == boost::asio::error::operation_aborted) {
                                 return;
                               }
                               if (!error) {
                                 onDatagram(size);
                               }
                               receive();
                             });
}

// The packet path. No transports exist yet, so every datagram is classified, counted and
// dropped; the WebRTC transport issue hands STUN checks and known 5-tuples to transports here.
void Shard::onDatagram(std::size_t size) {
  assert(std::this_thread::get_id() == owner_ && "a shard is touched only by its thread");
  const auto kind = media::classifyPacket(std::span(datagram_.data(), size));
  counters_.countReceived(kind, size);
  counters_.countDrop(kind == media::PacketKind::kUnknown ? DropReason::kUnclassified
                                                          : DropReason::kUnknownPeer);
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
