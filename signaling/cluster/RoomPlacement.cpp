#include "signaling/cluster/RoomPlacement.h"

#include <array>
#include <span>
#include <stdexcept>
#include <utility>

#include <openssl/evp.h>

#include "media/wire/ByteOrder.h"

namespace chorus::signaling {
namespace {

// A candidate for a room: higher weight wins; equal weights (a SHA-256 prefix collision) fall
// to the smaller URL, so every node breaks the tie the same way.
struct Candidate {
  std::uint64_t weight = 0;
  const std::string* url = nullptr;

  bool beats(const Candidate& other) const {
    if (other.url == nullptr) {
      return true;
    }
    if (weight != other.weight) {
      return weight > other.weight;
    }
    return *url < *other.url;
  }
};

}  // namespace

RoomPlacement::RoomPlacement(std::string selfUrl) : selfUrl_(std::move(selfUrl)) {}

void RoomPlacement::setPeers(std::vector<NodeState> peers) {
  peers_ = std::move(peers);
}

std::optional<std::string> RoomPlacement::owner(std::string_view roomId, Self self) const {
  Candidate bestHost;
  Candidate bestNode;
  const auto consider = [&](const std::string& url, bool hosts) {
    const Candidate candidate{weight(url, roomId), &url};
    if (hosts && candidate.beats(bestHost)) {
      bestHost = candidate;
    }
    if (candidate.beats(bestNode)) {
      bestNode = candidate;
    }
  };
  if (self.ready) {
    consider(selfUrl_, self.hostsRoom);
  }
  for (const NodeState& peer : peers_) {
    if (peer.ready && peer.url != selfUrl_) {
      consider(peer.url, peer.hosts(roomId));
    }
  }
  const Candidate& chosen = bestHost.url != nullptr ? bestHost : bestNode;
  if (chosen.url == nullptr) {
    return std::nullopt;
  }
  return *chosen.url;
}

std::uint64_t RoomPlacement::weight(std::string_view url, std::string_view roomId) {
  std::string input;
  input.reserve(url.size() + 1 + roomId.size());
  input.append(url);
  input.push_back('\0');
  input.append(roomId);
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(input.data(), input.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    // SHA-256 is always available in OpenSSL 3's default provider; without it no node could
    // agree on anything, so fail loudly rather than place rooms by a weight of zero.
    throw std::runtime_error("SHA-256 is unavailable");
  }
  return media::loadBe64(std::span<const std::uint8_t>(digest.data(), length), 0);
}

}  // namespace chorus::signaling
