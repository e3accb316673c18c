#include "signaling/sdp/SdpNames.h"

namespace chorus::signaling {

std::optional<SdpDirection> directionFromName(std::string_view name) noexcept {
  if (name == "sendrecv") {
    return SdpDirection::kSendRecv;
  }
  if (name == "sendonly") {
    return SdpDirection::kSendOnly;
  }
  if (name == "recvonly") {
    return SdpDirection::kRecvOnly;
  }
  if (name == "inactive") {
    return SdpDirection::kInactive;
  }
  return std::nullopt;
}

std::string_view toString(SdpDirection direction) noexcept {
  switch (direction) {
    case SdpDirection::kSendRecv:
      return "sendrecv";
    case SdpDirection::kSendOnly:
      return "sendonly";
    case SdpDirection::kRecvOnly:
      return "recvonly";
    case SdpDirection::kInactive:
      return "inactive";
  }
  return "sendrecv";
}

std::optional<SdpSetup> setupFromName(std::string_view name) noexcept {
  if (name == "actpass") {
    return SdpSetup::kActPass;
  }
  if (name == "active") {
    return SdpSetup::kActive;
  }
  if (name == "passive") {
    return SdpSetup::kPassive;
  }
  if (name == "holdconn") {
    return SdpSetup::kHoldConn;
  }
  return std::nullopt;
}

std::string_view toString(SdpSetup setup) noexcept {
  switch (setup) {
    case SdpSetup::kActPass:
      return "actpass";
    case SdpSetup::kActive:
      return "active";
    case SdpSetup::kPassive:
      return "passive";
    case SdpSetup::kHoldConn:
      return "holdconn";
  }
  return "actpass";
}

}  // namespace chorus::signaling
