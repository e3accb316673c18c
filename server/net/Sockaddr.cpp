#include "server/net/Sockaddr.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cstring>
#include <netinet/in.h>

namespace chorus::server {
namespace {

constexpr std::array<std::uint8_t, 12> kV4MappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

}  // namespace

media::SocketAddress toSocketAddress(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, &address, sizeof(v4));
    std::array<std::uint8_t, 4> bytes{};
    std::memcpy(bytes.data(), &v4.sin_addr, bytes.size());
    return media::SocketAddress::ipv4(bytes, ntohs(v4.sin_port));
  }
  sockaddr_in6 v6{};
  std::memcpy(&v6, &address, sizeof(v6));
  std::array<std::uint8_t, 16> bytes{};
  std::memcpy(bytes.data(), &v6.sin6_addr, bytes.size());
  if (std::equal(kV4MappedPrefix.begin(), kV4MappedPrefix.end(), bytes.begin())) {
    return media::SocketAddress::ipv4({bytes[12], bytes[13], bytes[14], bytes[15]},
                                      ntohs(v6.sin6_port));
  }
  return media::SocketAddress::ipv6(bytes, ntohs(v6.sin6_port));
}

socklen_t toSockaddr(const media::SocketAddress& address, sockaddr_storage& out) {
  out = {};
  if (address.family == media::SocketAddress::Family::kIpv4) {
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = htons(address.port);
    std::memcpy(&v4.sin_addr, address.address.data(), 4);
    std::memcpy(&out, &v4, sizeof(v4));
    return sizeof(v4);
  }
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_port = htons(address.port);
  std::memcpy(&v6.sin6_addr, address.address.data(), 16);
  std::memcpy(&out, &v6, sizeof(v6));
  return sizeof(v6);
}

}  // namespace chorus::server
