// Session descriptions come from clients. Whatever parses must write back to text that parses
// again to an equal description, and writing that gives the same text again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "signaling/sdp/SessionDescription.h"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = chorus::signaling::SessionDescription::parse(text);
  if (!parsed.description) {
    if (parsed.error.reason == chorus::signaling::SdpErrorReason::kNone) {
      std::abort();  // a rejection always has a reason
    }
    return 0;
  }
  const std::string written = parsed.description->toSdp();
  const auto reparsed = chorus::signaling::SessionDescription::parse(
      written, chorus::signaling::SdpLimits{written.size(), written.size(), size});
  if (!reparsed.description || !(*reparsed.description == *parsed.description) ||
      reparsed.description->toSdp() != written) {
    std::abort();
  }
  return 0;
}
