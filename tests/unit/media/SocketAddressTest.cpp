#include <unordered_set>

#include <gtest/gtest.h>

#include "media/wire/SocketAddress.h"

namespace chorus::media {
namespace {

TEST(SocketAddressTest, PrintsIpv4AndBracketedIpv6) {
  EXPECT_EQ(SocketAddress::ipv4({192, 0, 2, 1}, 3478).toString(), "192.0.2.1:3478");
  std::array<std::uint8_t, 16> v6{0x20, 0x01, 0x0d, 0xb8};
  v6[15] = 1;
  EXPECT_EQ(SocketAddress::ipv6(v6, 443).toString(), "[2001:db8::1]:443");
}

TEST(SocketAddressTest, EqualityAndHashCoverFamilyAddressAndPort) {
  const auto a = SocketAddress::ipv4({10, 0, 0, 1}, 5000);
  std::unordered_set<SocketAddress, SocketAddressHash> seen{a};
  EXPECT_TRUE(seen.contains(SocketAddress::ipv4({10, 0, 0, 1}, 5000)));
  EXPECT_FALSE(seen.contains(SocketAddress::ipv4({10, 0, 0, 1}, 5001)));
  EXPECT_FALSE(seen.contains(SocketAddress::ipv4({10, 0, 0, 2}, 5000)));
  std::array<std::uint8_t, 16> mapped{10, 0, 0, 1};
  EXPECT_FALSE(seen.contains(SocketAddress::ipv6(mapped, 5000)));
}

}  // namespace
}  // namespace chorus::media
