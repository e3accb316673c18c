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

std::string SocketAddress::ipText() const {
  std::array<char, INET6_ADDRSTRLEN> text{};
  inet_ntop(family == Family::kIpv4 ? AF_INET : AF_INET6, address.data(), text.data(), text.size());
  return text.data();
}

std::string SocketAddress::toString() const {
  const std::string host = family == Family::kIpv4 ? ipText() : "[" + ipText() + "]";
  return host + ":" + std::to_string(port);
}

}  // namespace chorus::media
