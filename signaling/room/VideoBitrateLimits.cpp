#include "signaling/room/VideoBitrateLimits.h"

#include <algorithm>

namespace chorus::signaling {

std::uint32_t VideoBitrateLimits::capKbps(std::size_t videoPublishers) const noexcept {
  // NOTE: a subscriber receives every video publisher but itself (a viewer who publishes no
  // video receives all n): n × (2 × max / n) = 2 × max at most either way, while a two-person
  // call keeps the full max. Counting video publishers rather than participants leaves a
  // 1 → 300 webinar's one camera at max.
  const std::size_t n = std::max<std::size_t>(videoPublishers, 2);
  const auto shared = static_cast<std::uint32_t>(std::uint64_t{maxKbps} * 2 / n);
  return std::min(maxKbps, std::max(minKbps, shared));
}

}  // namespace chorus::signaling
