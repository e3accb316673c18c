#include "media/stats/PacketCounters.h"

namespace chorus::media {

std::string_view toString(DropReason reason) noexcept {
  switch (reason) {
    case DropReason::kUnclassified:
      return "unclassified";
    case DropReason::kUnknownPeer:
      return "unknown_peer";
    case DropReason::kTruncated:
      return "truncated";
    case DropReason::kPoolExhausted:
      return "pool_exhausted";
    case DropReason::kSocketOverflow:
      return "socket_overflow";
    case DropReason::kSendFailed:
      return "send_failed";
  }
  return "unknown";
}

}  // namespace chorus::media
