#include "media/security/SrtpSession.h"

namespace chorus::media {

SrtpSession::SrtpSession(const SrtpKeyMaterial& keys, std::size_t maxStreams)
    : outbound_(keys.profile, keys.local, maxStreams),
      inbound_(keys.profile, keys.remote, maxStreams) {}

}  // namespace chorus::media
