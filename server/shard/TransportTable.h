#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "media/session/WebRtcTransport.h"
#include "media/wire/SocketAddress.h"

namespace chorus::server {

using TransportId = std::uint64_t;

// A shard's WebRTC transports and the two ways a datagram finds its transport (RFC 7983 demux
// on one shared port): by the 5-tuple it came from, once an authenticated check bound that
// 5-tuple; and, for STUN from a new 5-tuple, by the local ufrag in its USERNAME. Lookups do not
// allocate; adding and removing (a join, a leave, a new path) may.
class TransportTable {
 public:
  // Takes ownership; the transport's local ufrag must be unique on the shard.
  media::WebRtcTransport& add(TransportId id, std::unique_ptr<media::WebRtcTransport> transport);
  void remove(TransportId id);

  media::WebRtcTransport* find(TransportId id) const;
  media::WebRtcTransport* byUfrag(std::string_view ufrag) const;
  media::WebRtcTransport* byAddress(const media::SocketAddress& from) const;
  TransportId idOf(const media::WebRtcTransport& transport) const;

  void bindAddress(media::WebRtcTransport& transport, const media::SocketAddress& from);
  // After an ICE restart the transport answers to a new ufrag.
  void reindexUfrag(media::WebRtcTransport& transport, const std::string& oldUfrag);

  std::size_t size() const { return transports_.size(); }

  template <typename Visit>
  void forEach(Visit visit) const {
    for (const auto& [id, entry] : transports_) {
      visit(id, *entry.transport);
    }
  }

 private:
  struct Entry {
    std::unique_ptr<media::WebRtcTransport> transport;
    std::vector<media::SocketAddress> addresses;
  };

  std::unordered_map<TransportId, Entry> transports_;
  std::unordered_map<const media::WebRtcTransport*, TransportId> ids_;
  std::unordered_map<std::string, media::WebRtcTransport*> byUfrag_;
  std::unordered_map<media::SocketAddress, media::WebRtcTransport*, media::SocketAddressHash>
      byAddress_;
};

}  // namespace chorus::server
