#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "media/wire/SocketAddress.h"

namespace chorus::media {

// One of our ICE candidates as the SDP answer lists it (RFC 8839 §5.1). An ICE-lite server has
// only host candidates (RFC 8445 §2.5): its UDP port, and its passive ICE-TCP port (RFC 6544).
struct IceCandidate {
  enum class Protocol : std::uint8_t { kUdp, kTcp };

  std::string foundation;
  Protocol protocol = Protocol::kUdp;
  std::uint32_t priority = 0;
  SocketAddress address;

  // "candidate:1 1 udp 2130706431 192.0.2.1 40000 typ host", and for TCP
  // "candidate:2 1 tcp 1684733951 192.0.2.1 40100 typ host tcptype passive".
  std::string toSdp() const;
};

// RFC 8445 §5.1.2.1: priority = 2^24 × type preference + 2^8 × local preference + (256 −
// component), with 126 for host candidates and component 1 (RTP and RTCP are multiplexed).
// UDP gets the higher local preference: TCP is the fallback for clients whose UDP is blocked.
std::uint32_t hostCandidatePriority(std::uint16_t localPreference);

// Our host candidates: one UDP (`udpPort`) and, when `tcpPort` is not 0, one passive TCP
// candidate for each address, the first address preferred. The addresses are what peers can
// reach: the announced address (NAT, Kubernetes) rather than the one the socket is bound to.
std::vector<IceCandidate> hostCandidates(std::span<const SocketAddress> addresses,
                                         std::uint16_t udpPort, std::uint16_t tcpPort);

}  // namespace chorus::media
