#pragma once

#include "server/shard/TransportTable.h"

namespace chorus::server {

// What a shard tells the control plane about its transports' lifecycle. Called on the shard's
// thread: an implementation hands the news to its own thread and returns.
class TransportEvents {
 public:
  virtual ~TransportEvents() = default;
  // DTLS-SRTP completed.
  virtual void onTransportConnected(TransportId id) = 0;
  // Closed by ICE consent, a DTLS failure or the peer's close_notify (not by removeTransport):
  // the shard removes it at its next tick.
  virtual void onTransportFailed(TransportId id) = 0;
};

}  // namespace chorus::server
