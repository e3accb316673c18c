#include "server/shard/ShardTransports.h"

#include <string>

#include <boost/asio/post.hpp>
#include <openssl/rand.h>

#include "media/security/DtlsCertificate.h"

namespace chorus::server {

ShardTransports::ShardTransports(ShardPool& shards, const media::DtlsCertificate& certificate,
                                 std::size_t membersPerWorker)
    : shards_(shards), certificate_(certificate), membersPerWorker_(membersPerWorker) {}

signaling::LocalTransport ShardTransports::reserve(const signaling::Placement& placement) {
  const std::size_t workers = shards_.size();
  const std::size_t worker = (placement.room + placement.member / membersPerWorker_) % workers;
  // ShardPool::shardFor() finds the worker again as id % workers.
  const signaling::TransportId id = nextId_++ * workers + worker;
  return {id, shards_.transportTemplate().localIce, shards_.candidates(worker)};
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

void ShardTransports::publishStream(const media::PublishedStreamSpec& stream) {
  Shard& shard = shards_.shardFor(stream.publisher);
  boost::asio::post(shard.context(),
                    [&shard, stream] { shard.router().addPublishedStream(stream); });
}

void ShardTransports::unpublishStream(const media::PublishedStreamSpec& stream) {
  Shard& shard = shards_.shardFor(stream.publisher);
  boost::asio::post(shard.context(),
                    [&shard, key = stream.key] { shard.router().removePublishedStream(key); });
}

void ShardTransports::subscribe(const media::SubscriptionSpec& subscription,
                                signaling::TransportId publisher) {
  media::SubscriptionSpec spec = subscription;
  Shard& publisherShard = shards_.shardFor(publisher);
  Shard& subscriberShard = shards_.shardFor(spec.subscriber);
  spec.publisherShard = publisherShard.index();
  // RFC 3550 §5.1: the first sequence number and timestamp of a stream are random.
  struct {
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
  } start;
  RAND_bytes(reinterpret_cast<unsigned char*>(&start.sequence), sizeof start.sequence);
  RAND_bytes(reinterpret_cast<unsigned char*>(&start.timestamp), sizeof start.timestamp);
  if (&publisherShard != &subscriberShard) {
    boost::asio::post(publisherShard.context(),
                      [&publisherShard, key = spec.stream, peer = subscriberShard.index()] {
                        publisherShard.router().addRemoteSubscriber(key, peer);
                      });
  }
  boost::asio::post(subscriberShard.context(), [&subscriberShard, spec, start] {
    subscriberShard.router().addSubscription(spec, start.sequence, start.timestamp,
                                             std::chrono::steady_clock::now());
  });
}

void ShardTransports::unsubscribe(const media::SubscriptionSpec& subscription,
                                  signaling::TransportId publisher) {
  Shard& publisherShard = shards_.shardFor(publisher);
  Shard& subscriberShard = shards_.shardFor(subscription.subscriber);
  boost::asio::post(subscriberShard.context(),
                    [&subscriberShard, key = subscription.stream, who = subscription.subscriber] {
                      subscriberShard.router().removeSubscription(key, who);
                    });
  if (&publisherShard != &subscriberShard) {
    boost::asio::post(publisherShard.context(),
                      [&publisherShard, key = subscription.stream, peer = subscriberShard.index()] {
                        publisherShard.router().removeRemoteSubscriber(key, peer);
                      });
  }
}

}  // namespace chorus::server
