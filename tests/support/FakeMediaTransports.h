#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "media/ice/IceCredentials.h"
#include "signaling/room/MediaTransports.h"

namespace chorus::test {

// The media plane for signaling tests: records what signaling asked for, runs nothing.
class FakeMediaTransports : public signaling::MediaTransports {
 public:
  struct Opened {
    signaling::LocalTransport local;
    signaling::RemoteTransport remote;
  };

  signaling::LocalTransport reserve(const signaling::Placement& placement) override {
    placements.push_back(placement);
    signaling::LocalTransport local;
    local.id = nextId_++;
    local.ice = media::IceCredentials::generate();
    media::IceCandidate candidate;
    candidate.foundation = "1";
    candidate.priority = media::hostCandidatePriority(65535);
    candidate.address = media::SocketAddress::ipv4({127, 0, 0, 1}, 40000);
    local.candidates.push_back(candidate);
    return local;
  }
  void open(const signaling::LocalTransport& local,
            const signaling::RemoteTransport& remote) override {
    open_[local.id] = {local, remote};
  }
  void close(signaling::TransportId id) override {
    open_.erase(id);
    closed.push_back(id);
  }
  void restartIce(signaling::TransportId id, const media::IceCredentials& local,
                  std::string_view remoteUfrag) override {
    restarts.push_back({id, local.ufrag, std::string(remoteUfrag)});
  }
  const media::DtlsFingerprint& fingerprint() const override { return fingerprint_; }
  void publishStream(const media::PublishedStreamSpec& stream) override {
    streams[stream.key] = stream;
  }
  void unpublishStream(const media::PublishedStreamSpec& stream) override {
    streams.erase(stream.key);
    unpublished.push_back(stream.key);
  }
  void subscribe(const media::SubscriptionSpec& subscription,
                 signaling::TransportId publisher) override {
    subscriptions[{subscription.subscriber, subscription.stream}] = {subscription, publisher};
  }
  void unsubscribe(const media::SubscriptionSpec& subscription,
                   signaling::TransportId /*publisher*/) override {
    subscriptions.erase({subscription.subscriber, subscription.stream});
  }

  const std::map<signaling::TransportId, Opened>& open() const { return open_; }

  struct Restart {
    signaling::TransportId id;
    std::string localUfrag;
    std::string remoteUfrag;
  };
  std::vector<signaling::TransportId> closed;
  std::vector<Restart> restarts;
  std::vector<signaling::Placement> placements;  // of every reserve()
  std::vector<media::StreamKey> unpublished;     // of every unpublishStream()
  // The routes as the media plane would hold them.
  std::map<media::StreamKey, media::PublishedStreamSpec> streams;
  std::map<std::pair<signaling::TransportId, media::StreamKey>,
           std::pair<media::SubscriptionSpec, signaling::TransportId>>
      subscriptions;

 private:
  signaling::TransportId nextId_ = 1;
  std::map<signaling::TransportId, Opened> open_;
  media::DtlsFingerprint fingerprint_ = *media::DtlsFingerprint::parse(
      "sha-256 "
      "4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3B:3A:2F:9C:9A:26:94:3D:"
      "7A:35:9F:1C");
};

// A connection that keeps the events sent to it.
class RecordingConnection : public signaling::ParticipantConnection {
 public:
  void sendEvent(std::string text) override { events.push_back(std::move(text)); }
  std::vector<std::string> events;
};

}  // namespace chorus::test
