#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace chorus::media {

enum class IpFamily : std::uint8_t {
  kIpv4,
  kIpv6,
};

// An IP address and port (RFC 8489 §3 "transport address") as plain bytes in network order, so
// the layers without sockets can carry one. An IPv4 address uses the first 4 bytes of `ip` and
// leaves the rest zero, which keeps == meaningful.
struct TransportAddress {
  IpFamily family = IpFamily::kIpv4;
  std::array<std::uint8_t, 16> ip{};
  std::uint16_t port = 0;

  static constexpr TransportAddress ipv4(const std::array<std::uint8_t, 4>& address,
                                         std::uint16_t port) noexcept {
    TransportAddress result{IpFamily::kIpv4, {}, port};
    for (std::size_t i = 0; i < address.size(); ++i) {
      result.ip[i] = address[i];
    }
    return result;
  }

  static constexpr TransportAddress ipv6(const std::array<std::uint8_t, 16>& address,
                                         std::uint16_t port) noexcept {
    return TransportAddress{IpFamily::kIpv6, address, port};
  }

  // The 4 or 16 address bytes.
  constexpr std::span<const std::uint8_t> ipBytes() const noexcept {
    return std::span<const std::uint8_t>(ip).first(family == IpFamily::kIpv4 ? 4 : 16);
  }

  friend constexpr bool operator==(const TransportAddress&, const TransportAddress&) = default;
};

}  // namespace chorus::media
