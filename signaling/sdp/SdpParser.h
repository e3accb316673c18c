#pragma once

#include <string_view>

#include "signaling/sdp/SessionDescription.h"

namespace chorus::signaling {

// The parser behind SessionDescription::parse: one pass over the lines, each line's value
// checked once into the model. Separate so the description stays a plain value.
class SdpParser {
 public:
  explicit SdpParser(const SdpLimits& limits) : limits_(limits) {}

  SdpParseResult parse(std::string_view text) const;

 private:
  SdpLimits limits_;
};

}  // namespace chorus::signaling
