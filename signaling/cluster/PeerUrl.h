#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chorus::signaling {

// A peer's control port as cluster.peers names it: http://host[:port][/] or https://..., host a
// DNS name, an IPv4 address or a bracketed IPv6 address; port 80 (443 for https) when absent.
// https is for nodes whose control port has TLS (http.tls_certificate_file): the probe then
// speaks TLS without verifying the peer's certificate, since peers are often reached by address
// while their certificate names their public host; the bearer secret admits the prober, and TLS
// keeps it from passive listeners on the cluster's network.
struct PeerUrl {
  std::string host;  // without brackets, ready for a resolver
  std::uint16_t port = 80;
  bool tls = false;

  static std::optional<PeerUrl> parse(std::string_view text);
  // http://host:port or https://host:port, brackets restored for IPv6.
  std::string text() const;
};

}  // namespace chorus::signaling
