#pragma once

#include <cstddef>
#include <cstdint>

namespace chorus::signaling {

// What a room lets one publisher's video use until simulcast exists (docs/signaling.md,
// "Bitrate"): `maxKbps` when two people see each other, lowered as the room's video publishers
// grow so that no downlink carries more than twice that, never below `minKbps`.
struct VideoBitrateLimits {
  std::uint32_t maxKbps = 2500;
  std::uint32_t minKbps = 300;

  // The cap of each video publisher's video in a room with `videoPublishers` of them:
  // max(min, max × 2 / n) for n ≥ 2, max below. 0 when `maxKbps` is 0 (no cap).
  std::uint32_t capKbps(std::size_t videoPublishers) const noexcept;
};

}  // namespace chorus::signaling
