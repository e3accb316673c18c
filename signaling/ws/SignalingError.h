#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace chorus::signaling {

// The `code` of an error reply. The strings are part of the protocol (docs/signaling.md,
// "Error codes"): clients branch on them, so they never change meaning.
enum class SignalingError : std::uint8_t {
  kBadRequest,        // not JSON, not an object, `type` or `id` missing or of the wrong type
  kUnknownType,       // a `type` this server does not know
  kUnauthorized,      // no valid token yet, or a refused token (the connection then closes)
  kRateLimited,       // over the connection's message rate
  kInternal,          // the server failed; the request may be retried
  kForbidden,         // the token does not grant it (room, publish)
  kRoomIdTooLong,     // more than 64 code points
  kRoomIdInvalid,     // empty, or a character outside the documented set
  kRoomFull,          // the room has rooms.max_participants participants
  kRoomKindMismatch,  // the room exists with the other kind
  kAlreadyJoined,     // this connection is in a room already
  kNotInRoom,         // the request needs a joined room
  kSdpInvalid,        // the SDP does not parse
  kSdpUnsupported,    // the SDP parses but Chorus cannot use it (no BUNDLE, ...)
  kCodecUnsupported,  // an m-section offers no codec the room can use
  kStaleAnswer,       // an answer to an offer that is no longer outstanding
  kNoOffer,           // an answer while no offer is outstanding
  kUnknownTrack,      // not one of the participant's tracks
  kNoTransport,       // the transport does not exist yet
  kResumeFailed,      // unknown or spent resume token, or the window has passed
  kServerDraining,    // the server is stopping: join another (docs/signaling.md, "Draining")
  kRoomElsewhere,     // the room belongs on another node of the cluster: `details.url`
};

inline constexpr std::size_t kSignalingErrorCount = 22;

std::string_view toString(SignalingError error) noexcept;

}  // namespace chorus::signaling
