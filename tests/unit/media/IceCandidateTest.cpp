#include <array>

#include <gtest/gtest.h>

#include "media/ice/IceCandidate.h"

namespace chorus::media {
namespace {

TEST(IceCandidateTest, HostPriorityFollowsRfc8445Formula) {
  // 126 × 2^24 + 65535 × 2^8 + 255: the value browsers give their best host candidate.
  EXPECT_EQ(hostCandidatePriority(65535), 2130706431U);
}

TEST(IceCandidateTest, UdpAndPassiveTcpCandidatesPerAddressInSdpForm) {
  const std::array<SocketAddress, 1> addresses{SocketAddress::ipv4({203, 0, 113, 7}, 0)};
  const auto candidates = hostCandidates(addresses, 40000, 40100);
  ASSERT_EQ(candidates.size(), 2U);
  EXPECT_EQ(candidates[0].toSdp(), "candidate:1 1 udp 2130706431 203.0.113.7 40000 typ host");
  EXPECT_EQ(candidates[1].toSdp(), "candidate:2 1 tcp " + std::to_string(candidates[1].priority) +
                                       " 203.0.113.7 40100 typ host tcptype passive");
  EXPECT_LT(candidates[1].priority, candidates[0].priority);  // UDP first, TCP the fallback
}

TEST(IceCandidateTest, EarlierAddressesArePreferredAndTcpIsOptional) {
  std::array<std::uint8_t, 16> v6{0x20, 0x01, 0x0d, 0xb8};
  v6[15] = 5;
  const std::array<SocketAddress, 2> addresses{SocketAddress::ipv4({198, 51, 100, 1}, 0),
                                               SocketAddress::ipv6(v6, 0)};
  const auto candidates = hostCandidates(addresses, 40001, 0);
  ASSERT_EQ(candidates.size(), 2U);
  EXPECT_GT(candidates[0].priority, candidates[1].priority);
  EXPECT_EQ(candidates[1].toSdp(), "candidate:2 1 udp " + std::to_string(candidates[1].priority) +
                                       " 2001:db8::5 40001 typ host");
}

}  // namespace
}  // namespace chorus::media
