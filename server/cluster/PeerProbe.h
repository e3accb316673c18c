#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "signaling/cluster/NodeState.h"
#include "signaling/cluster/PeerUrl.h"

namespace chorus::server {

// What reading one peer's GET /cluster/state gave: its state, or why there is none.
struct ProbeResult {
  std::optional<signaling::NodeState> state;
  std::string error;  // when there is no state: "connect: Connection refused", "status 401", ...
};

// Reads `peer`'s GET /cluster/state with the bearer `secret` on `context` (the control thread),
// one connection per probe (TLS first for an https peer: PeerUrl says why its certificate is not
// verified), and calls `done` there. Connecting, writing and reading together
// take at most `timeout`; resolving a host name is bounded by the system resolver.
void probePeer(boost::asio::io_context& context, const signaling::PeerUrl& peer,
               const std::string& secret, std::chrono::milliseconds timeout,
               std::function<void(ProbeResult)> done);

// The addresses `name` resolves to, each as a peer at `port` (over TLS if `tls`), or the
// resolver's error; on `context`, calling `done` there.
void resolvePeers(boost::asio::io_context& context, const std::string& name, std::uint16_t port,
                  bool tls,
                  std::function<void(std::vector<signaling::PeerUrl>, std::string error)> done);

}  // namespace chorus::server
