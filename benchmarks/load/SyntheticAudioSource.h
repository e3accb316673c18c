#pragma once

#include <array>
#include <chrono>
#include <cstdint>

#include "benchmarks/load/MediaSink.h"
#include "media/wire/PacketPool.h"

namespace chorus::bench {

struct AudioSourceConfig {
  // Opus in discontinuous transmission (RFC 7587 §3.1.3): during the silent part of each talk
  // cycle one comfort-noise packet every 400 ms instead of one every 20 ms.
  bool dtx = false;
};

// Opus-like audio as a browser sends it: a 20 ms frame every 20 ms (50 packets/s) of about 100
// bytes, RTP clock 48 kHz, with the RFC 6464 audio level (talking 3 s, then 2 s quieter) and
// the probe of MediaProbe at the end of each payload.
class SyntheticAudioSource {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  SyntheticAudioSource(const AudioSourceConfig& config, std::uint32_t ssrc, SourceContext context,
                       TimePoint start);

  // Makes and hands to `sink` every packet due by `now`.
  void sendDue(TimePoint now, MediaSink& sink);

  std::uint64_t packetsSent() const { return sequence_; }
  std::uint64_t bytesSent() const { return bytes_; }

 private:
  bool talking(TimePoint at) const;

  AudioSourceConfig config_;
  std::uint32_t ssrc_;
  SourceContext context_;
  TimePoint start_;
  TimePoint nextFrame_;
  TimePoint lastSent_{};
  std::uint16_t rtpSequence_;
  std::uint32_t timestamp_;
  std::uint32_t sequence_ = 0;
  std::uint64_t bytes_ = 0;
  std::array<std::uint8_t, media::PacketSlot::kCapacity> packet_{};
};

}  // namespace chorus::bench
