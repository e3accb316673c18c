#include "media/wire/SocketAddress.h"

#include <algorithm>
#include <arpa/inet.h>

namespace chorus::media {

SocketAddress SocketAddress::ipv4(std::array<std::uint8_t, 4> bytes, std::uint16_t port) {
  SocketAddress value;
  value.family = Family::kIpv4;
  std::copy(bytes.begin(), bytes.end(), value.address.begin());
  value.port = port;
  return value;
}

SocketAddress SocketAddress::ipv6(const std::array<std::uint8_t, 16>& bytes, std::uint16_t port) {
  SocketAddress value;
  value.family = Family::kIpv6;
  value.address = bytes;
  value.port = port;
  return value;
}

std::string SocketAddress::toString() const {
  std::array<char, INET6_ADDRSTRLEN> text{};
  const int af = family == Family::kIpv4 ? AF_INET : AF_INET6;
  inet_ntop(af, address.data(), text.data(), text.size());
  const std::string host =
      family == Family::kIpv4 ? text.data() : "[" + std::string(text.data()) + "]";
  return host + ":" + std::to_string(port);
}

}  // namespace chorus::media
