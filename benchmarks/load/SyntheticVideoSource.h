#pragma once

#include <array>
#include <chrono>
#include <cstdint>

#include "benchmarks/load/MediaSink.h"
#include "media/wire/PacketPool.h"

namespace chorus::bench {

struct VideoSourceConfig {
  std::uint32_t bitrateBps = 500'000;
  std::uint32_t framesPerSecond = 30;
  std::chrono::seconds keyframeInterval{5};
  std::size_t maxPacketBytes = 1200;  // RTP packet, before SRTP's tag: under a 1280-byte path
};

// VP8-like video as a browser sends it: frames at a fixed rate, each split into packets of at
// most maxPacketBytes, the marker bit on each frame's last packet (RFC 7741 §4.1), RTP clock
// 90 kHz. Every packet starts with a VP8 payload descriptor (RFC 7741 §4.2: X=1, I=1 with a
// 15-bit picture id; S=1 and partition 0 on a frame's first packet); a frame's first packet
// follows it with the VP8 payload header (RFC 6386 §9.1), whose P bit is 0 for a keyframe,
// which is what the server (media/wire/VideoKeyframe) looks for. A keyframe is sent every
// keyframeInterval and at the next frame after requestKeyframe(), four times a delta frame's
// size; sizes are set so the average stays near bitrateBps.
class SyntheticVideoSource {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  SyntheticVideoSource(const VideoSourceConfig& config, std::uint32_t ssrc, SourceContext context,
                       TimePoint start);

  void sendDue(TimePoint now, MediaSink& sink);
  // A PLI or FIR arrived: the next frame is a keyframe.
  void requestKeyframe() { keyframeRequested_ = true; }

  std::uint64_t packetsSent() const { return sequence_; }
  std::uint64_t bytesSent() const { return bytes_; }
  std::uint64_t keyframesSent() const { return keyframes_; }

 private:
  void sendFrame(TimePoint now, bool keyframe, MediaSink& sink);

  VideoSourceConfig config_;
  std::uint32_t ssrc_;
  SourceContext context_;
  std::chrono::nanoseconds frameInterval_;
  TimePoint nextFrame_;
  TimePoint nextKeyframe_;
  bool keyframeRequested_ = true;
  std::uint16_t rtpSequence_;
  std::uint32_t timestamp_;
  std::uint16_t pictureId_ = 0;
  std::uint32_t sequence_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t keyframes_ = 0;
  std::array<std::uint8_t, media::PacketSlot::kCapacity> packet_{};
};

}  // namespace chorus::bench
