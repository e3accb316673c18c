#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

namespace chorus::media {

// An IPv4 or IPv6 address and port as plain data: what a STUN XOR-MAPPED-ADDRESS carries, what
// an ICE candidate names, and (with the shard's own socket) the 5-tuple a datagram came on.
// media/ never opens sockets; server/ converts to and from sockaddr.
struct SocketAddress {
  enum class Family : std::uint8_t { kIpv4 = 4, kIpv6 = 6 };

  Family family = Family::kIpv4;
  std::array<std::uint8_t, 16> address{};  // IPv4 uses the first 4 bytes, the rest stay zero
  std::uint16_t port = 0;

  static SocketAddress ipv4(std::array<std::uint8_t, 4> bytes, std::uint16_t port);
  static SocketAddress ipv6(const std::array<std::uint8_t, 16>& bytes, std::uint16_t port);

  std::size_t addressBytes() const { return family == Family::kIpv4 ? 4 : 16; }
  // The 4 or 16 address bytes, in network order.
  std::span<const std::uint8_t> ipBytes() const { return std::span(address).first(addressBytes()); }
  // "192.0.2.1:3478" or "[2001:db8::1]:3478", for logs.
  std::string toString() const;
  // "192.0.2.1" or "2001:db8::1", as SDP candidates write it.
  std::string ipText() const;

  friend bool operator==(const SocketAddress&, const SocketAddress&) = default;
};

// FNV-1a over family, address and port: cheap, and good enough for a per-shard table whose keys
// an attacker can only choose after passing a STUN integrity check.
struct SocketAddressHash {
  std::size_t operator()(const SocketAddress& value) const noexcept {
    std::uint64_t hash = 14695981039346656037ULL;
    const auto mix = [&hash](std::uint8_t byte) {
      hash ^= byte;
      hash *= 1099511628211ULL;
    };
    mix(static_cast<std::uint8_t>(value.family));
    for (std::size_t i = 0; i < value.addressBytes(); ++i) {
      mix(value.address[i]);
    }
    mix(static_cast<std::uint8_t>(value.port >> 8));
    mix(static_cast<std::uint8_t>(value.port));
    return static_cast<std::size_t>(hash);
  }
};

}  // namespace chorus::media
