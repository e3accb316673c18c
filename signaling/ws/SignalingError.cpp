#include "signaling/ws/SignalingError.h"

namespace chorus::signaling {

std::string_view toString(SignalingError error) noexcept {
  switch (error) {
    case SignalingError::kBadRequest:
      return "bad_request";
    case SignalingError::kUnknownType:
      return "unknown_type";
    case SignalingError::kUnauthorized:
      return "unauthorized";
    case SignalingError::kRateLimited:
      return "rate_limited";
    case SignalingError::kInternal:
      return "internal";
  }
  return "internal";
}

}  // namespace chorus::signaling
