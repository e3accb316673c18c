#pragma once

#include <algorithm>
#include <array>

#include "media/security/DtlsEndpoint.h"
#include "media/session/WebRtcTransport.h"
#include "media/stats/RelaxedCounter.h"

namespace chorus::server {

// A shard's transport events, written by its thread and read by the metrics scrape.
struct TransportStats {
  media::RelaxedCounter created;
  media::RelaxedCounter connected;
  media::RelaxedCounter removed;
  media::RelaxedCounter connectedRemoved;  // removed after their DTLS-SRTP had completed
  std::array<media::RelaxedCounter, media::kTransportCloseReasonCount> closed;  // by reason
  std::array<media::RelaxedCounter, media::kDtlsFailureCount> dtlsFailures;     // by reason

  // Open transports: created and not yet removed. The two counters are read apart, so a scrape
  // racing a removal could see the removal first; never report less than zero.
  std::uint64_t open() const {
    const std::uint64_t gone = removed.value();
    const std::uint64_t made = created.value();
    return made > gone ? made - gone : 0;
  }
  // Of those, the ones whose DTLS-SRTP completed (never more than open()).
  std::uint64_t openConnected() const {
    const std::uint64_t gone = connectedRemoved.value();
    const std::uint64_t made = connected.value();
    return std::min(made > gone ? made - gone : 0, open());
  }
};

}  // namespace chorus::server
