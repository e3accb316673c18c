#include "media/routing/RouterCounters.h"

namespace chorus::media {

std::string_view toString(RtpKind kind) noexcept {
  switch (kind) {
    case RtpKind::kAudio:
      return "audio";
    case RtpKind::kVideo:
      return "video";
    case RtpKind::kRtx:
      return "rtx";
  }
  return "unknown";
}

std::string_view toString(RtcpType type) noexcept {
  switch (type) {
    case RtcpType::kSr:
      return "sr";
    case RtcpType::kRr:
      return "rr";
    case RtcpType::kPli:
      return "pli";
    case RtcpType::kFir:
      return "fir";
    case RtcpType::kNack:
      return "nack";
    case RtcpType::kTransportCc:
      return "transport_cc";
    case RtcpType::kOther:
      return "other";
  }
  return "unknown";
}

}  // namespace chorus::media
