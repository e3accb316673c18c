#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "media/ice/IceCandidate.h"
#include "server/config/Config.h"
#include "server/shard/Shard.h"
#include "server/shard/UfragDirectory.h"

namespace chorus::server {

// The worker shards of the process: how many, their media ports, starting and stopping them.
class ShardPool {
 public:
  // Binds every shard's media port. Throws ConfigError when the ports do not fit in 16 bits,
  // and boost::system::system_error when a port cannot be bound.
  ShardPool(const Config& config, unsigned count, const media::DtlsCertificate& certificate);

  // The ICE host candidates of shard `index`, for the SDP answers of its transports.
  std::vector<media::IceCandidate> candidates(std::size_t index) const;
  // The ICE-TCP port every shard's transports also answer on (0: none); set once it is bound.
  void setIceTcpPort(std::uint16_t port) { iceTcpPort_ = port; }

  // What every new transport starts from: fresh ICE credentials and the configured consent
  // timeout and SRTP profile preference. Signaling fills in the peer's side from its SDP.
  media::WebRtcTransportConfig transportTemplate() const;

  void start();
  void stop();

  std::size_t size() const { return shards_.size(); }
  // The shard that owns a transport: transports are spread over shards by id.
  Shard& shardFor(TransportId id) { return *shards_[id % shards_.size()]; }
  const Shard& shard(std::size_t index) const { return *shards_[index]; }
  Shard& shard(std::size_t index) { return *shards_[index]; }
  // Which shard owns each transport's ufrag, for the ICE-TCP listener.
  const UfragDirectory& ufragDirectory() const { return directory_; }

  // The first shard whose loop has not turned within `limit` of `now`, if any.
  std::optional<std::size_t> stalledShard(std::chrono::steady_clock::time_point now,
                                          std::chrono::steady_clock::duration limit) const;

 private:
  UfragDirectory directory_;  // before the shards, which write to it until they are destroyed
  // The rings between shards, [from * count + to]; declared before the shards, which use them
  // until they are destroyed.
  std::vector<std::unique_ptr<media::ShardLink>> links_;
  std::vector<std::unique_ptr<Shard>> shards_;
  media::SocketAddress reachableAddress_;  // announced, else listen address
  std::uint16_t iceTcpPort_ = 0;
  std::chrono::seconds consentTimeout_;
  std::vector<media::SrtpProfile> srtpProfiles_;
};

}  // namespace chorus::server
