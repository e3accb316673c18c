#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "server/config/Config.h"
#include "signaling/ProcessStatus.h"
#include "signaling/cluster/NodeState.h"
#include "signaling/cluster/PeerUrl.h"
#include "signaling/cluster/RoomLocator.h"
#include "signaling/cluster/RoomPlacement.h"

namespace chorus::server {

// This node's view of the cluster (docs/architecture.md, "Several nodes"), on the control
// thread: every cluster.probe_interval_seconds it reads each peer's GET /cluster/state
// (cluster.peers, and the addresses cluster.peers_dns resolves to), keeps what they answered,
// and places rooms with signaling::RoomPlacement. A peer that does not answer within the
// interval counts as not ready. Disabled (every room local) without cluster.advertise_url.
class ClusterDirectory : public signaling::RoomLocator {
 public:
  // Throws ConfigError when the cluster.* keys do not go together.
  ClusterDirectory(boost::asio::io_context& control, const Config& config,
                   const signaling::ProcessStatus& status);

  bool enabled() const noexcept { return !config_.advertiseUrl.empty(); }
  // Every peer has answered or failed once: until then this node does not know where rooms are,
  // and reports itself not ready. True without a cluster.
  bool synced() const noexcept { return synced_; }

  // Probes at once, then every interval.
  void start();
  void stop();

  // signaling::RoomLocator, with this node's readiness as ProcessStatus says now.
  std::optional<std::string> elsewhere(std::string_view roomId, bool hostedHere) const override;
  std::optional<std::string> successor(std::string_view roomId) const override;

 private:
  struct Peer {
    signaling::PeerUrl address;
    std::optional<signaling::NodeState> state;  // nothing: unreachable or never answered
    bool probing = false;
    bool probed = false;
    bool fromDns = false;  // forgotten when cluster.peers_dns no longer names it
  };

  void tick();
  void probe(const std::string& key, Peer& peer);
  void onProbed(const std::string& key, std::optional<signaling::NodeState> state,
                const std::string& error);
  // The peer's state changed readiness or reachability: one log line.
  static void logChange(const std::string& key, const std::optional<signaling::NodeState>& before,
                        const std::optional<signaling::NodeState>& after, const std::string& error);
  // cluster.peers_dns answered: peers it no longer names are forgotten.
  void onResolved(const std::vector<signaling::PeerUrl>& addresses, const std::string& error);
  void updatePlacement();
  void updateSynced();

  boost::asio::io_context& control_;
  Config::Cluster config_;
  std::uint16_t httpPort_;
  bool httpTls_;  // the control port has TLS: DNS peers are probed over TLS too
  const signaling::ProcessStatus& status_;
  signaling::RoomPlacement placement_;
  std::map<std::string, Peer> peers_;  // by control URL (PeerUrl::text)
  boost::asio::steady_timer timer_;
  bool dnsResolved_ = false;
  bool synced_ = true;
  bool stopped_ = false;
};

}  // namespace chorus::server
