#include "server/shard/TransportTable.h"

#include <algorithm>
#include <utility>

namespace chorus::server {

media::WebRtcTransport& TransportTable::add(TransportId id,
                                            std::unique_ptr<media::WebRtcTransport> transport) {
  media::WebRtcTransport& added = *transport;
  byUfrag_[added.localIce().ufrag] = &added;
  ids_[&added] = id;
  transports_[id] = Entry{std::move(transport), {}};
  return added;
}

void TransportTable::remove(TransportId id) {
  const auto found = transports_.find(id);
  if (found == transports_.end()) {
    return;
  }
  media::WebRtcTransport* transport = found->second.transport.get();
  for (const auto& address : found->second.addresses) {
    byAddress_.erase(address);
  }
  byUfrag_.erase(transport->localIce().ufrag);
  ids_.erase(transport);
  transports_.erase(found);
}

media::WebRtcTransport* TransportTable::find(TransportId id) const {
  const auto found = transports_.find(id);
  return found == transports_.end() ? nullptr : found->second.transport.get();
}

media::WebRtcTransport* TransportTable::byUfrag(std::string_view ufrag) const {
  // NOTE: a heterogeneous lookup would avoid building a string; the STUN path that needs this
  // runs once per new 5-tuple, not per media packet, and the ufrag fits the small-string buffer.
  const auto found = byUfrag_.find(std::string(ufrag));
  return found == byUfrag_.end() ? nullptr : found->second;
}

media::WebRtcTransport* TransportTable::byAddress(const media::SocketAddress& from) const {
  const auto found = byAddress_.find(from);
  return found == byAddress_.end() ? nullptr : found->second;
}

TransportId TransportTable::idOf(const media::WebRtcTransport& transport) const {
  return ids_.at(&transport);
}

void TransportTable::bindAddress(media::WebRtcTransport& transport,
                                 const media::SocketAddress& from) {
  // A 5-tuple belongs to one transport: a newer authenticated binding takes it over.
  if (media::WebRtcTransport* previous = byAddress(from); previous != nullptr) {
    auto& addresses = transports_.at(ids_.at(previous)).addresses;
    addresses.erase(std::remove(addresses.begin(), addresses.end(), from), addresses.end());
  }
  byAddress_[from] = &transport;
  transports_.at(ids_.at(&transport)).addresses.push_back(from);
}

void TransportTable::reindexUfrag(media::WebRtcTransport& transport, const std::string& oldUfrag) {
  byUfrag_.erase(oldUfrag);
  byUfrag_[transport.localIce().ufrag] = &transport;
}

}  // namespace chorus::server
