#include "server/shard/ShardPool.h"

#include <array>
#include <cstring>
#include <limits>
#include <string>

#include <boost/asio/ip/address.hpp>
#include <spdlog/spdlog.h>

#include "server/log/Logging.h"
#include "server/net/Sockaddr.h"

namespace chorus::server {

ShardPool::ShardPool(const Config& config, unsigned count,
                     const media::DtlsCertificate& certificate)
    : consentTimeout_(config.media.iceConsentTimeout), srtpProfiles_(config.dtls.srtpProfiles) {
  const unsigned base = config.media.portBase;
  if (base != 0 && base + count - 1 > std::numeric_limits<std::uint16_t>::max()) {
    throw ConfigError("media.port_base = " + std::to_string(base) + " leaves no room for " +
                      std::to_string(count) + " worker ports below 65536");
  }
  const auto address = boost::asio::ip::make_address(config.media.listenAddress);
  const std::string& reachable = config.media.announcedAddress.empty()
                                     ? config.media.listenAddress
                                     : config.media.announcedAddress;
  sockaddr_storage storage{};
  const boost::asio::ip::udp::endpoint reachableEndpoint(boost::asio::ip::make_address(reachable),
                                                         0);
  std::memcpy(&storage, reachableEndpoint.data(), reachableEndpoint.size());
  reachableAddress_ = toSocketAddress(storage);
  if (reachableEndpoint.address().is_unspecified()) {
    spdlog::warn(
        "ice_no_reachable_address listen_address={} hint=\"set media.announced_address "
        "to the address peers can reach\"",
        config.media.listenAddress);
  }
  shards_.reserve(count);
  for (unsigned index = 0; index < count; ++index) {
    const auto port = static_cast<std::uint16_t>(base == 0 ? 0 : base + index);
    shards_.push_back(std::make_unique<Shard>(index, boost::asio::ip::udp::endpoint(address, port),
                                              config.media, certificate, directory_));
  }
  // One link for each ordered pair of shards: packets lent from `from` to `to` and what comes
  // back (docs/architecture.md, "Routing between shards").
  links_.resize(std::size_t{count} * count);
  for (unsigned from = 0; from < count; ++from) {
    for (unsigned to = 0; to < count; ++to) {
      if (from != to) {
        links_[from * count + to] = std::make_unique<media::ShardLink>();
      }
    }
  }
  for (unsigned from = 0; from < count; ++from) {
    for (unsigned to = 0; to < count; ++to) {
      if (from != to) {
        shards_[from]->connect(*shards_[to], *links_[from * count + to],
                               *links_[to * count + from]);
      }
    }
  }
}

std::vector<media::IceCandidate> ShardPool::candidates(std::size_t index) const {
  const std::array<media::SocketAddress, 1> addresses{reachableAddress_};
  return media::hostCandidates(addresses, shards_[index]->mediaEndpoint().port(), iceTcpPort_);
}

media::WebRtcTransportConfig ShardPool::transportTemplate() const {
  media::WebRtcTransportConfig config;
  config.localIce = media::IceCredentials::generate();
  config.consentTimeout = consentTimeout_;
  config.srtpProfiles = srtpProfiles_;
  return config;
}

void ShardPool::start() {
  for (const auto& shard : shards_) {
    shard->start();
    const auto endpoint = shard->mediaEndpoint();
    spdlog::info("worker_started worker={} media_address={} media_port={} candidate={}",
                 shard->index(), endpoint.address().to_string(), endpoint.port(),
                 logValue(candidates(shard->index()).front().toSdp()));
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
