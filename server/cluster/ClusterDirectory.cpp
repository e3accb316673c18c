#include "server/cluster/ClusterDirectory.h"

#include <algorithm>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "server/cluster/PeerProbe.h"
#include "server/log/Logging.h"

namespace chorus::server {
namespace {

// A peer's answer must come well within the interval; a slower one is as good as absent.
std::chrono::milliseconds probeTimeout(std::chrono::seconds interval) {
  constexpr std::chrono::milliseconds kMaxTimeout{1000};
  return std::min<std::chrono::milliseconds>(kMaxTimeout, interval);
}

Config::Cluster checked(const Config::Cluster& cluster) {
  const bool hasPeers = !cluster.peers.empty() || !cluster.peersDns.empty();
  if (hasPeers && cluster.advertiseUrl.empty()) {
    throw ConfigError(
        "cluster.peers and cluster.peers_dns need cluster.advertise_url: the URL clients are "
        "sent to for this node's rooms");
  }
  if (!cluster.advertiseUrl.empty() && cluster.secret.empty()) {
    throw ConfigError(
        "cluster.advertise_url needs cluster.secret: the token nodes present to each other's "
        "/cluster/state");
  }
  return cluster;
}

}  // namespace

ClusterDirectory::ClusterDirectory(boost::asio::io_context& control, const Config& config,
                                   const signaling::ProcessStatus& status)
    : control_(control),
      config_(checked(config.cluster)),
      httpPort_(config.http.port),
      httpTls_(!config.http.tlsCertificateFile.empty()),
      status_(status),
      placement_(config.cluster.advertiseUrl),
      timer_(control),
      synced_(config_.peers.empty() && config_.peersDns.empty()) {
  for (const std::string& text : config_.peers) {
    // ConfigKeys accepted only parseable URLs, stored as PeerUrl::text().
    if (const auto address = signaling::PeerUrl::parse(text)) {
      peers_.emplace(text, Peer{.address = *address});
    }
  }
}

void ClusterDirectory::start() {
  if (!enabled()) {
    return;
  }
  spdlog::info("cluster_started advertise_url={} peers={} peers_dns={}",
               logValue(config_.advertiseUrl), peers_.size(), logValue(config_.peersDns));
  tick();
}

void ClusterDirectory::stop() {
  stopped_ = true;
  timer_.cancel();
}

void ClusterDirectory::tick() {
  if (stopped_) {
    return;
  }
  if (!config_.peersDns.empty()) {
    // Every node of a cluster is configured alike: TLS on this control port means on theirs.
    resolvePeers(control_, config_.peersDns, httpPort_, httpTls_,
                 [this](const std::vector<signaling::PeerUrl>& addresses,
                        const std::string& error) { onResolved(addresses, error); });
  }
  for (auto& [key, peer] : peers_) {
    probe(key, peer);
  }
  timer_.expires_after(config_.probeInterval);
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (!error) {
      tick();
    }
  });
}

void ClusterDirectory::probe(const std::string& key, Peer& peer) {
  if (peer.probing) {
    // Still unanswered after a whole interval: not ready until it answers.
    logChange(key, peer.state, std::nullopt, "no answer within the probe interval");
    peer.state.reset();
    updatePlacement();
    return;
  }
  peer.probing = true;
  probePeer(
      control_, peer.address, config_.secret, probeTimeout(config_.probeInterval),
      [this, key](ProbeResult result) { onProbed(key, std::move(result.state), result.error); });
}

void ClusterDirectory::onProbed(const std::string& key, std::optional<signaling::NodeState> state,
                                const std::string& error) {
  const auto found = peers_.find(key);
  if (stopped_ || found == peers_.end()) {
    return;  // forgotten by DNS meanwhile
  }
  Peer& peer = found->second;
  logChange(key, peer.state, state, error);
  peer.probing = false;
  peer.probed = true;
  peer.state = std::move(state);
  updatePlacement();
  updateSynced();
}

void ClusterDirectory::onResolved(const std::vector<signaling::PeerUrl>& addresses,
                                  const std::string& error) {
  if (stopped_) {
    return;
  }
  if (!error.empty()) {
    // Keep the peers last resolved: a DNS hiccup must not make every room move.
    spdlog::warn("cluster_dns_failed name={} error={}", logValue(config_.peersDns),
                 logValue(error));
  } else {
    std::vector<std::string> named;
    for (const auto& address : addresses) {
      named.push_back(address.text());
      if (peers_.try_emplace(address.text(), Peer{.address = address, .fromDns = true}).second) {
        probe(address.text(), peers_.at(address.text()));
      }
    }
    std::erase_if(peers_, [&named](const auto& entry) {
      return entry.second.fromDns &&
             std::find(named.begin(), named.end(), entry.first) == named.end();
    });
    updatePlacement();
  }
  dnsResolved_ = true;
  updateSynced();
}

void ClusterDirectory::updatePlacement() {
  std::vector<signaling::NodeState> states;
  for (const auto& [key, peer] : peers_) {
    if (peer.state) {
      states.push_back(*peer.state);
    }
  }
  placement_.setPeers(std::move(states));
}

void ClusterDirectory::updateSynced() {
  if (synced_ || (!config_.peersDns.empty() && !dnsResolved_)) {
    return;
  }
  synced_ = std::all_of(peers_.begin(), peers_.end(),
                        [](const auto& entry) { return entry.second.probed; });
  if (synced_) {
    spdlog::info("cluster_synced peers={}", peers_.size());
  }
}

void ClusterDirectory::logChange(const std::string& key,
                                 const std::optional<signaling::NodeState>& before,
                                 const std::optional<signaling::NodeState>& after,
                                 const std::string& error) {
  const auto describe = [](const std::optional<signaling::NodeState>& state) -> std::string_view {
    return !state ? "unreachable" : (state->ready ? "ready" : "not_ready");
  };
  if (describe(before) == describe(after) && (!before || !after || before->url == after->url)) {
    return;
  }
  if (after) {
    spdlog::info("cluster_peer peer={} state={} url={} rooms={}", logValue(key), describe(after),
                 logValue(after->url), after->rooms.size());
  } else {
    spdlog::warn("cluster_peer peer={} state=unreachable error={}", logValue(key), logValue(error));
  }
}

std::optional<std::string> ClusterDirectory::elsewhere(std::string_view roomId,
                                                       bool hostedHere) const {
  auto owner = placement_.owner(
      roomId, {.ready = synced_ && status_.readiness().healthy, .hostsRoom = hostedHere});
  if (!owner || *owner == placement_.selfUrl()) {
    // Nobody ready at all (this node starting or draining, every peer gone): serving the join
    // here beats refusing it.
    return std::nullopt;
  }
  return owner;
}

std::optional<std::string> ClusterDirectory::successor(std::string_view roomId) const {
  return placement_.owner(roomId, {.ready = false, .hostsRoom = false});
}

}  // namespace chorus::server
