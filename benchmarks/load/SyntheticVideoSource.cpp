#include "benchmarks/load/SyntheticVideoSource.h"

#include <algorithm>

#include "benchmarks/load/BrowserSdp.h"
#include "benchmarks/load/MediaProbe.h"
#include "benchmarks/load/RtpHeaderWriter.h"

namespace chorus::bench {
namespace {

constexpr std::uint32_t kClockRate = 90'000;
constexpr std::size_t kKeyframeScale = 4;
// Descriptor: X|R|N|S|R|PID, then I|L|T|K|RSV, then M + 15-bit picture id.
constexpr std::size_t kDescriptorSize = 4;
constexpr std::uint8_t kExtended = 0x80;
constexpr std::uint8_t kStartOfPartition = 0x10;
constexpr std::uint8_t kPictureIdPresent = 0x80;
constexpr std::uint8_t kLongPictureId = 0x80;
// RFC 6386 §9.1: the 3-byte frame tag (bit 0 of the first byte is P, 0 for a keyframe; version
// 0; show_frame 1), and after it for a keyframe the start code 9d 01 2a and two 16-bit
// little-endian dimensions (640x480 here).
constexpr std::array<std::uint8_t, 10> kKeyframeHeader{0x10, 0x02, 0x00, 0x9d, 0x01,
                                                       0x2a, 0x80, 0x02, 0xe0, 0x01};
constexpr std::array<std::uint8_t, 3> kDeltaHeader{0x11, 0x02, 0x00};

}  // namespace

SyntheticVideoSource::SyntheticVideoSource(const VideoSourceConfig& config, std::uint32_t ssrc,
                                           SourceContext context, TimePoint start)
    : config_(config),
      ssrc_(ssrc),
      context_(context),
      frameInterval_(std::chrono::nanoseconds(std::chrono::seconds(1)) / config.framesPerSecond),
      nextFrame_(start),
      nextKeyframe_(start),
      rtpSequence_(static_cast<std::uint16_t>(ssrc >> 8U)),
      timestamp_(ssrc ^ 0xA5A5'A5A5U) {}

void SyntheticVideoSource::sendDue(TimePoint now, MediaSink& sink) {
  const auto ticks = static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(frameInterval_).count() * kClockRate /
      1'000'000);
  for (; nextFrame_ <= now; nextFrame_ += frameInterval_, timestamp_ += ticks) {
    const bool keyframe = keyframeRequested_ || nextFrame_ >= nextKeyframe_;
    if (keyframe) {
      keyframeRequested_ = false;
      nextKeyframe_ = nextFrame_ + config_.keyframeInterval;
    }
    sendFrame(now, keyframe, sink);
  }
}

void SyntheticVideoSource::sendFrame(TimePoint now, bool keyframe, MediaSink& sink) {
  // With one keyframe of scale k in every n frames, a delta frame of d bytes averages the
  // bitrate when d (n - 1 + k) = n × bytes per frame.
  const std::size_t framesPerKeyframe = std::max<std::size_t>(
      1, config_.framesPerSecond * static_cast<std::size_t>(config_.keyframeInterval.count()));
  const std::size_t averageFrame = config_.bitrateBps / 8 / config_.framesPerSecond;
  const std::size_t delta =
      averageFrame * framesPerKeyframe / (framesPerKeyframe - 1 + kKeyframeScale);
  const std::size_t frameBytes = std::max<std::size_t>(keyframe ? delta * kKeyframeScale : delta,
                                                       kKeyframeHeader.size() + MediaProbe::kSize);
  const std::size_t perPacket =
      config_.maxPacketBytes - RtpHeaderWriter::kMaxSize - kDescriptorSize - MediaProbe::kSize;
  const std::size_t packets = (frameBytes + perPacket - 1) / perPacket;
  ++pictureId_;
  if (keyframe) {
    ++keyframes_;
  }
  for (std::size_t i = 0; i < packets; ++i) {
    RtpHeaderFields fields;
    fields.payloadType = kVp8PayloadType;
    fields.marker = i + 1 == packets;
    fields.sequenceNumber = rtpSequence_++;
    fields.timestamp = timestamp_;
    fields.ssrc = ssrc_;
    fields.sendTime = now.time_since_epoch();
    fields.transportSequence = (*context_.transportSequence)++;
    fields.mid = "1";
    const std::size_t header = RtpHeaderWriter::write(packet_, fields);
    const std::size_t media = frameBytes / packets;
    const std::size_t payload = kDescriptorSize + media + MediaProbe::kSize;
    const auto bytes = std::span(packet_).subspan(header, payload);
    std::fill(bytes.begin(), bytes.end(), std::uint8_t{0x5A});
    bytes[0] = static_cast<std::uint8_t>(kExtended | (i == 0 ? kStartOfPartition : 0U));
    bytes[1] = kPictureIdPresent;
    bytes[2] = static_cast<std::uint8_t>(kLongPictureId | ((pictureId_ >> 8U) & 0x7FU));
    bytes[3] = static_cast<std::uint8_t>(pictureId_);
    if (i == 0) {
      const auto frameHeader = keyframe ? std::span<const std::uint8_t>(kKeyframeHeader)
                                        : std::span<const std::uint8_t>(kDeltaHeader);
      std::copy(frameHeader.begin(), frameHeader.end(), bytes.begin() + kDescriptorSize);
    }
    MediaProbe{context_.sender, sequence_++, now.time_since_epoch().count()}.writeTo(bytes);
    bytes_ += header + payload;
    sink.sendMedia(std::span(packet_).first(header + payload));
  }
}

}  // namespace chorus::bench
