#include "benchmarks/load/MediaProbe.h"

#include "media/wire/ByteOrder.h"

namespace chorus::bench {

void MediaProbe::writeTo(std::span<std::uint8_t> payload) const noexcept {
  const std::size_t at = payload.size() - kSize;
  media::storeBe32(payload, at, sender);
  media::storeBe32(payload, at + 4, sequence);
  media::storeBe64(payload, at + 8, static_cast<std::uint64_t>(sendTimeNs));
}

std::optional<MediaProbe> MediaProbe::readFrom(std::span<const std::uint8_t> payload) noexcept {
  if (payload.size() < kSize) {
    return std::nullopt;
  }
  const std::size_t at = payload.size() - kSize;
  MediaProbe probe;
  probe.sender = media::loadBe32(payload, at);
  probe.sequence = media::loadBe32(payload, at + 4);
  probe.sendTimeNs = static_cast<std::int64_t>(media::loadBe64(payload, at + 8));
  return probe;
}

}  // namespace chorus::bench
