#include "server/shard/ShardTransports.h"

#include <string>

#include <boost/asio/post.hpp>

#include "media/security/DtlsCertificate.h"

namespace chorus::server {

ShardTransports::ShardTransports(ShardPool& shards, const media::DtlsCertificate& certificate)
    : shards_(shards), certificate_(certificate) {}

signaling::LocalTransport ShardTransports::reserve() {
  const signaling::TransportId id = nextId_++;
  return {id, shards_.transportTemplate().localIce, shards_.candidates(id % shards_.size())};
}

void ShardTransports::open(const signaling::LocalTransport& local,
                           const signaling::RemoteTransport& remote) {
  media::WebRtcTransportConfig config = shards_.transportTemplate();
  config.localIce = local.ice;
  config.remoteUfrag = remote.iceUfrag;
  config.dtlsRole = remote.localRole;
  config.peerFingerprint = remote.fingerprint;
  Shard& shard = shards_.shardFor(local.id);
  boost::asio::post(shard.context(), [&shard, id = local.id, config = std::move(config)] {
    shard.addTransport(id, config);
  });
}

void ShardTransports::close(signaling::TransportId id) {
  Shard& shard = shards_.shardFor(id);
  boost::asio::post(shard.context(), [&shard, id] { shard.removeTransport(id); });
}

void ShardTransports::restartIce(signaling::TransportId id, const media::IceCredentials& local,
                                 std::string_view remoteUfrag) {
  Shard& shard = shards_.shardFor(id);
  boost::asio::post(shard.context(), [&shard, id, local, ufrag = std::string(remoteUfrag)] {
    shard.restartIce(id, local, ufrag);
  });
}

const media::DtlsFingerprint& ShardTransports::fingerprint() const {
  return certificate_.fingerprint();
}

}  // namespace chorus::server
