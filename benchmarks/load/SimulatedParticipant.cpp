#include "benchmarks/load/SimulatedParticipant.h"

#include <array>
#include <exception>

#include "media/wire/RtcpCompoundView.h"
#include "media/wire/RtcpCompoundWriter.h"
#include "media/wire/RtcpHeader.h"
#include "media/wire/RtcpReceiverReport.h"

namespace chorus::bench {
namespace {

constexpr std::chrono::seconds kReportInterval{1};
constexpr std::uint8_t kPliFormat = 1;  // RFC 4585 §6.3.1
constexpr std::uint8_t kFirFormat = 4;  // RFC 5104 §4.3.1

}  // namespace

SimulatedParticipant::SimulatedParticipant(const TransportContext& context, DelayHistogram& delays,
                                           std::unique_ptr<SignalingBackend> signaling,
                                           ParticipantConfig config)
    : config_(std::move(config)),
      signaling_(std::move(signaling)),
      tracker_(delays, config_.verifyEvery, config_.delaySource),
      publish_(context, nullptr, this),
      subscribe_(context, &tracker_, nullptr),
      // SSRCs unique in the process, so a mix-up between senders shows in the probes.
      audioSsrc_(0x1000'0000U + config_.index * 4),
      videoSsrc_(audioSsrc_ + 1) {}

SimulatedParticipant::~SimulatedParticipant() = default;

boost::asio::awaitable<void> SimulatedParticipant::run() {
  started_ = std::chrono::steady_clock::now();
  try {
    co_await signaling_->join(config_.room, config_.user);
    if (config_.publish) {
      PublishOfferSpec spec;
      spec.ice = publish_.localIce();
      spec.fingerprint = publish_.fingerprint();
      spec.streamId = config_.user;
      spec.audioSsrc = audioSsrc_;
      spec.videoSsrc = videoSsrc_;
      spec.videoRtxSsrc = videoSsrc_ + 1;
      spec.candidate = publish_.localAddress();
      const std::string answer = co_await signaling_->publish(BrowserSdp::publishOffer(spec));
      const auto now = std::chrono::steady_clock::now();
      publish_.connect(BrowserSdp::remoteTransport(answer), now);
      const SourceContext source{config_.index, &transportSequence_};
      audio_ = std::make_unique<SyntheticAudioSource>(config_.audio, audioSsrc_, source, now);
      video_ = std::make_unique<SyntheticVideoSource>(config_.video, videoSsrc_, source, now);
    }
    joinTime_ = std::chrono::steady_clock::now() - started_;
    if (!config_.subscribe) {
      co_await signaling_->stayConnected();
    }
    while (config_.subscribe) {
      const SubscribeOffer offer = co_await signaling_->nextSubscribeOffer();
      SubscribeAnswer answer = BrowserSdp::answerSubscribe(
          offer.sdp, subscribe_.localIce(), subscribe_.fingerprint(), subscribe_.localAddress());
      tracker_.expect(answer.streams);
      co_await signaling_->answerSubscribe(offer.revision, std::move(answer.sdp));
      subscribe_.connect(answer.server, std::chrono::steady_clock::now());
    }
  } catch (const std::exception& error) {
    if (sending_) {
      failure_ = error.what();
    }
  }
}

std::optional<std::chrono::nanoseconds> SimulatedParticipant::firstMediaTime() const {
  const auto first = tracker_.firstPacketAt();
  if (!first) {
    return std::nullopt;
  }
  return *first - started_.time_since_epoch();
}

void SimulatedParticipant::onTick(TimePoint now) {
  publish_.onTick(now);
  subscribe_.onTick(now);
  if (sending_ && publish_.connected()) {
    audio_->sendDue(now, *this);
    video_->sendDue(now, *this);
  }
  if (subscribe_.connected() && now >= nextReport_) {
    nextReport_ = now + kReportInterval;
    sendReceiverReport();
  }
  publish_.flush();
  subscribe_.flush();
}

void SimulatedParticipant::close() {
  sending_ = false;
  signaling_->close();
}

// RFC 3550 §6.4.2: a receiver that sends no media reports in an RR, one block per source.
void SimulatedParticipant::sendReceiverReport() {
  const auto blocks = tracker_.reportBlocks();
  std::array<std::uint8_t, 1024> buffer{};
  media::RtcpCompoundWriter writer(buffer);
  writer.append(media::RtcpReceiverReport::build(writer.remaining(), audioSsrc_ + 2, blocks));
  if (writer.size() != 0) {
    subscribe_.sendRtcp(writer.datagram());
  }
}

// The server asks a publisher for a keyframe with a PLI or a FIR when a subscriber starts or
// loses pictures: the next video frame is one.
void SimulatedParticipant::onRtcp(std::span<const std::uint8_t> compound) {
  const auto view = media::RtcpCompoundView::parse(compound);
  if (!view || !video_) {
    return;
  }
  for (const media::RtcpHeader header : *view) {
    if (media::isRtcpFeedback(header, media::RtcpPacketType::kPayloadFeedback, kPliFormat) ||
        media::isRtcpFeedback(header, media::RtcpPacketType::kPayloadFeedback, kFirFormat)) {
      ++keyframeRequests_;
      video_->requestKeyframe();
    }
  }
}

}  // namespace chorus::bench
