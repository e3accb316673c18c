#pragma once

#include "server/shard/ShardPool.h"
#include "signaling/room/MediaTransports.h"

namespace chorus::server {

// The media plane as signaling sees it: transports live on the worker shards, spread by id, and
// every change is posted to the owning shard's loop, so signaling (on the control thread) never
// touches a shard's objects.
class ShardTransports : public signaling::MediaTransports {
 public:
  ShardTransports(ShardPool& shards, const media::DtlsCertificate& certificate,
                  std::size_t membersPerWorker);

  // A room's first `membersPerWorker` participants get transports on one worker (the rooms
  // taking turns over the workers), the next as many on the next worker, and so on.
  signaling::LocalTransport reserve(const signaling::Placement& placement) override;
  void open(const signaling::LocalTransport& local,
            const signaling::RemoteTransport& remote) override;
  void close(signaling::TransportId id) override;
  void restartIce(signaling::TransportId id, const media::IceCredentials& local,
                  std::string_view remoteUfrag) override;
  const media::DtlsFingerprint& fingerprint() const override;
  void publishStream(const media::PublishedStreamSpec& stream) override;
  void unpublishStream(const media::PublishedStreamSpec& stream) override;
  void subscribe(const media::SubscriptionSpec& subscription,
                 signaling::TransportId publisher) override;
  void unsubscribe(const media::SubscriptionSpec& subscription,
                   signaling::TransportId publisher) override;

 private:
  ShardPool& shards_;
  const media::DtlsCertificate& certificate_;
  std::size_t membersPerWorker_;
  signaling::TransportId nextId_ = 1;  // ids are nextId_ × workers + the worker
};

}  // namespace chorus::server
