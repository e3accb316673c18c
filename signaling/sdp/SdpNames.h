#pragma once

#include <optional>
#include <string_view>

#include "signaling/sdp/SdpAttributes.h"

// The SDP spellings of the enumerated attribute values, both ways.
namespace chorus::signaling {

// "sendrecv", "sendonly", "recvonly", "inactive" (RFC 8866 §6.7).
std::optional<SdpDirection> directionFromName(std::string_view name) noexcept;
std::string_view toString(SdpDirection direction) noexcept;

// "actpass", "active", "passive", "holdconn" (RFC 4145 §4).
std::optional<SdpSetup> setupFromName(std::string_view name) noexcept;
std::string_view toString(SdpSetup setup) noexcept;

}  // namespace chorus::signaling
