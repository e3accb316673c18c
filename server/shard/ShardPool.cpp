#include "server/shard/ShardPool.h"

#include <limits>
#include <string>

#include <boost/asio/ip/address.hpp>
#include <spdlog/spdlog.h>

namespace chorus::server {

ShardPool::ShardPool(const Config& config, unsigned count,
                     const media::DtlsCertificate& certificate) {
  const unsigned base = config.media.portBase;
  if (base != 0 && base + count - 1 > std::numeric_limits<std::uint16_t>::max()) {
    throw ConfigError("media.port_base = " + std::to_string(base) + " leaves no room for " +
                      std::to_string(count) + " worker ports below 65536");
  }
  const auto address = boost::asio::ip::make_address(config.media.listenAddress);
  shards_.reserve(count);
  for (unsigned index = 0; index < count; ++index) {
    const auto port = static_cast<std::uint16_t>(base == 0 ? 0 : base + index);
    shards_.push_back(std::make_unique<Shard>(index, boost::asio::ip::udp::endpoint(address, port),
                                              config.media, certificate, directory_));
  }
}

void ShardPool::start() {
  for (const auto& shard : shards_) {
    shard->start();
    const auto endpoint = shard->mediaEndpoint();
    spdlog::info("worker_started worker={} media_address={} media_port={}", shard->index(),
                 endpoint.address().to_string(), endpoint.port());
  }
}

void ShardPool::stop() {
  for (const auto& shard : shards_) {
    shard->stop();
  }
}

std::optional<std::size_t> ShardPool::stalledShard(
    std::chrono::steady_clock::time_point now, std::chrono::steady_clock::duration limit) const {
  for (std::size_t index = 0; index < shards_.size(); ++index) {
    if (now - shards_[index]->lastHeartbeat() > limit) {
      return index;
    }
  }
  return std::nullopt;
}

}  // namespace chorus::server
