#include "signaling/room/MediaTransports.h"

namespace chorus::signaling {

std::string_view toString(TransportState state) noexcept {
  switch (state) {
    case TransportState::kConnecting:
      return "connecting";
    case TransportState::kConnected:
      return "connected";
    case TransportState::kFailed:
      return "failed";
  }
  return "failed";
}

}  // namespace chorus::signaling
