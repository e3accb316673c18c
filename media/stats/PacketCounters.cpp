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
    case DropReason::kStunMalformed:
      return "stun_malformed";
    case DropReason::kStunUnauthenticated:
      return "stun_unauthenticated";
    case DropReason::kStunUnexpected:
      return "stun_unexpected";
    case DropReason::kDtlsRejected:
      return "dtls_rejected";
    case DropReason::kSrtpNotReady:
      return "srtp_not_ready";
    case DropReason::kSrtpAuth:
      return "srtp_auth";
    case DropReason::kSrtpReplay:
      return "srtp_replay";
    case DropReason::kSrtpMalformed:
      return "srtp_malformed";
    case DropReason::kNoPath:
      return "no_path";
    case DropReason::kTcpBackpressure:
      return "tcp_backpressure";
    case DropReason::kTcpClosed:
      return "tcp_closed";
    case DropReason::kNoTransport:
      return "no_transport";
  }
  return "unknown";
}

}  // namespace chorus::media
