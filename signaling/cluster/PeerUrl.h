#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chorus::signaling {

// A peer's control port as cluster.peers names it: http://host[:port][/], host a DNS name, an
// IPv4 address or a bracketed IPv6 address; port 80 when absent. Plain HTTP only: peers talk
// over the cluster's private network, and the bearer secret is what admits them.
struct PeerUrl {
  std::string host;  // without brackets, ready for a resolver
  std::uint16_t port = 80;

  static std::optional<PeerUrl> parse(std::string_view text);
  // http://host:port, brackets restored for IPv6.
  std::string text() const;
};

}  // namespace chorus::signaling
