#include "signaling/sdp/MediaDescription.h"

#include <algorithm>
#include <charconv>

namespace chorus::signaling {

bool MediaDescription::isRtp() const {
  // RFC 8866 §5.14: RTP profiles are "RTP/AVP" and its extensions (RTP/SAVPF, UDP/TLS/RTP/SAVPF).
  return protocol.find("RTP/") != std::string::npos;
}

bool MediaDescription::isRejected() const {
  return port == 0 && !bundleOnly;
}

std::vector<std::uint8_t> MediaDescription::payloadTypes() const {
  std::vector<std::uint8_t> types;
  if (!isRtp()) {
    return types;
  }
  types.reserve(formats.size());
  for (const auto& format : formats) {
    std::uint8_t type = 0;
    std::from_chars(format.data(), format.data() + format.size(), type);
    types.push_back(type);
  }
  return types;
}

const RtpMap* MediaDescription::rtpMapOf(std::uint8_t payloadType) const {
  const auto found = std::find_if(rtpMaps.begin(), rtpMaps.end(), [&](const RtpMap& map) {
    return map.payloadType == payloadType;
  });
  return found == rtpMaps.end() ? nullptr : &*found;
}

const Fmtp* MediaDescription::fmtpOf(std::uint8_t payloadType) const {
  const auto found = std::find_if(fmtps.begin(), fmtps.end(), [&](const Fmtp& fmtp) {
    return fmtp.payloadType == payloadType;
  });
  return found == fmtps.end() ? nullptr : &*found;
}

std::vector<RtcpFeedback> MediaDescription::rtcpFeedbackOf(std::uint8_t payloadType) const {
  std::vector<RtcpFeedback> feedback;
  for (const auto& entry : rtcpFeedback) {
    if (!entry.payloadType || *entry.payloadType == payloadType) {
      feedback.push_back(entry);
    }
  }
  return feedback;
}

}  // namespace chorus::signaling
