#include "signaling/sdp/SessionDescription.h"

#include <algorithm>

#include "signaling/sdp/SdpParser.h"
#include "signaling/sdp/SdpWriter.h"

namespace chorus::signaling {

SdpParseResult SessionDescription::parse(std::string_view text, const SdpLimits& limits) {
  return SdpParser(limits).parse(text);
}

std::string SessionDescription::toSdp() const {
  return SdpWriter().write(*this);
}

const SdpGroup* SessionDescription::bundleGroup() const {
  const auto found = std::find_if(groups.begin(), groups.end(), [](const SdpGroup& group) {
    return group.semantics == "BUNDLE";
  });
  return found == groups.end() ? nullptr : &*found;
}

const MediaDescription* SessionDescription::mediaWithMid(std::string_view mid) const {
  const auto found = std::find_if(media.begin(), media.end(), [&](const MediaDescription& m) {
    return m.mid && *m.mid == mid;
  });
  return found == media.end() ? nullptr : &*found;
}

}  // namespace chorus::signaling
