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
    case SignalingError::kForbidden:
      return "forbidden";
    case SignalingError::kRoomIdTooLong:
      return "room_id_too_long";
    case SignalingError::kRoomIdInvalid:
      return "room_id_invalid";
    case SignalingError::kRoomFull:
      return "room_full";
    case SignalingError::kRoomKindMismatch:
      return "room_kind_mismatch";
    case SignalingError::kAlreadyJoined:
      return "already_joined";
    case SignalingError::kNotInRoom:
      return "not_in_room";
    case SignalingError::kSdpInvalid:
      return "sdp_invalid";
    case SignalingError::kSdpUnsupported:
      return "sdp_unsupported";
    case SignalingError::kCodecUnsupported:
      return "codec_unsupported";
    case SignalingError::kStaleAnswer:
      return "stale_answer";
    case SignalingError::kNoOffer:
      return "no_offer";
    case SignalingError::kUnknownTrack:
      return "unknown_track";
    case SignalingError::kNoTransport:
      return "no_transport";
    case SignalingError::kResumeFailed:
      return "resume_failed";
    case SignalingError::kServerDraining:
      return "server_draining";
    case SignalingError::kRoomElsewhere:
      return "room_elsewhere";
  }
  return "internal";
}

}  // namespace chorus::signaling
