#include "media/ice/IceCandidate.h"

namespace chorus::media {
namespace {

constexpr std::uint32_t kHostTypePreference = 126;
constexpr std::uint32_t kComponent = 1;
constexpr std::uint16_t kUdpLocalPreference = 65535;
// RFC 6544 §4.2: local preference = 2^13 × direction preference + other preference, with
// direction preference 4 for a passive host candidate (after active's 6 — we have none).
constexpr std::uint16_t kTcpPassiveLocalPreference = (1U << 13U) * 4;

}  // namespace

std::string IceCandidate::toSdp() const {
  const bool tcp = protocol == Protocol::kTcp;
  return "candidate:" + foundation + " " + std::to_string(kComponent) + (tcp ? " tcp " : " udp ") +
         std::to_string(priority) + " " + address.ipText() + " " + std::to_string(address.port) +
         " typ host" + (tcp ? " tcptype passive" : "");
}

std::uint32_t hostCandidatePriority(std::uint16_t localPreference) {
  return (kHostTypePreference << 24U) + (std::uint32_t{localPreference} << 8U) + (256 - kComponent);
}

std::vector<IceCandidate> hostCandidates(std::span<const SocketAddress> addresses,
                                         std::uint16_t udpPort, std::uint16_t tcpPort) {
  std::vector<IceCandidate> candidates;
  std::uint16_t rank = 0;
  for (SocketAddress address : addresses) {
    // Earlier addresses are preferred: lower the local preference a step per address.
    address.port = udpPort;
    candidates.push_back(
        {std::to_string(candidates.size() + 1), IceCandidate::Protocol::kUdp,
         hostCandidatePriority(static_cast<std::uint16_t>(kUdpLocalPreference - rank)), address});
    if (tcpPort != 0) {
      address.port = tcpPort;
      candidates.push_back(
          {std::to_string(candidates.size() + 1), IceCandidate::Protocol::kTcp,
           hostCandidatePriority(static_cast<std::uint16_t>(kTcpPassiveLocalPreference - rank)),
           address});
    }
    ++rank;
  }
  return candidates;
}

}  // namespace chorus::media
