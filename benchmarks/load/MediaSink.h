#pragma once

#include <cstdint>
#include <span>

namespace chorus::bench {

// Where a synthetic source hands each plaintext RTP packet it makes: the publisher protects
// and sends it.
class MediaSink {
 public:
  virtual ~MediaSink() = default;
  virtual void sendMedia(std::span<const std::uint8_t> rtp) = 0;
};

// What a source needs from the participant that owns it: its harness index (the probe's
// sender) and the publish transport's transport-wide sequence, shared by audio and video.
struct SourceContext {
  std::uint32_t sender = 0;
  std::uint16_t* transportSequence = nullptr;
};

}  // namespace chorus::bench
