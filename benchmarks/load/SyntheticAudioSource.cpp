#include "benchmarks/load/SyntheticAudioSource.h"

#include <algorithm>

#include "benchmarks/load/BrowserSdp.h"
#include "benchmarks/load/MediaProbe.h"
#include "benchmarks/load/RtpHeaderWriter.h"

namespace chorus::bench {
namespace {

constexpr std::chrono::milliseconds kFrame{20};
constexpr std::chrono::milliseconds kDtxInterval{400};
constexpr std::uint32_t kSamplesPerFrame = 960;  // 20 ms at 48 kHz
constexpr std::chrono::seconds kTalkCycle{5};
constexpr std::chrono::seconds kTalkSpurt{3};
constexpr std::size_t kSpeechBytes = 100;
constexpr std::size_t kComfortNoiseBytes = MediaProbe::kSize + 4;
constexpr std::uint8_t kSpeechLevel = 30;   // -30 dBov
constexpr std::uint8_t kSilenceLevel = 90;  // -90 dBov

}  // namespace

SyntheticAudioSource::SyntheticAudioSource(const AudioSourceConfig& config, std::uint32_t ssrc,
                                           SourceContext context, TimePoint start)
    : config_(config),
      ssrc_(ssrc),
      context_(context),
      start_(start),
      nextFrame_(start),
      rtpSequence_(static_cast<std::uint16_t>(ssrc)),
      timestamp_(ssrc ^ 0x5A5A'5A5AU) {}

bool SyntheticAudioSource::talking(TimePoint at) const {
  return (at - start_) % kTalkCycle < kTalkSpurt;
}

void SyntheticAudioSource::sendDue(TimePoint now, MediaSink& sink) {
  for (; nextFrame_ <= now; nextFrame_ += kFrame, timestamp_ += kSamplesPerFrame) {
    const bool speech = talking(nextFrame_);
    if (!speech && config_.dtx && nextFrame_ - lastSent_ < kDtxInterval) {
      continue;
    }
    lastSent_ = nextFrame_;
    RtpHeaderFields fields;
    fields.payloadType = kOpusPayloadType;
    fields.sequenceNumber = rtpSequence_++;
    fields.timestamp = timestamp_;
    fields.ssrc = ssrc_;
    fields.sendTime = now.time_since_epoch();
    fields.transportSequence = (*context_.transportSequence)++;
    fields.audioLevel = speech ? kSpeechLevel : kSilenceLevel;
    fields.mid = "0";
    const std::size_t header = RtpHeaderWriter::write(packet_, fields);
    // Opus frames vary in size with the signal; a spread of +-16 bytes around 100.
    const std::size_t payload =
        speech || !config_.dtx ? kSpeechBytes - 16 + (sequence_ * 7U) % 33U : kComfortNoiseBytes;
    const auto payloadBytes = std::span(packet_).subspan(header, payload);
    std::fill(payloadBytes.begin(), payloadBytes.end(), std::uint8_t{0xA5});
    MediaProbe{context_.sender, sequence_++, now.time_since_epoch().count()}.writeTo(payloadBytes);
    bytes_ += header + payload;
    sink.sendMedia(std::span(packet_).first(header + payload));
  }
}

}  // namespace chorus::bench
