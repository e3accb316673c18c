#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "benchmarks/load/ClientTransport.h"
#include "benchmarks/load/MediaSink.h"
#include "benchmarks/load/ReceiveTracker.h"
#include "benchmarks/load/SignalingBackend.h"
#include "benchmarks/load/SyntheticAudioSource.h"
#include "benchmarks/load/SyntheticVideoSource.h"

namespace chorus::bench {

struct ParticipantConfig {
  std::string room;
  std::string user;
  std::uint32_t index = 0;  // the harness's id for it: the probe's sender
  bool publish = true;
  bool subscribe = true;
  AudioSourceConfig audio;
  VideoSourceConfig video;
  std::uint32_t verifyEvery = 16;
  DelaySource delaySource = DelaySource::kAbsSendTime;
};

// One simulated browser: joins over its SignalingBackend, publishes audio and video on one
// transport, answers every subscribe offer on another, and receives. Signaling runs on its own
// coroutine; media runs from its lane's tick (onTick), so thousands share a thread.
class SimulatedParticipant final : private MediaSink, private RtcpObserver {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  SimulatedParticipant(const TransportContext& context, DelayHistogram& delays,
                       std::unique_ptr<SignalingBackend> signaling, ParticipantConfig config);
  SimulatedParticipant(const SimulatedParticipant&) = delete;
  SimulatedParticipant& operator=(const SimulatedParticipant&) = delete;
  ~SimulatedParticipant() override;

  // Joins, publishes and then answers subscribe offers until close(); failures are kept in
  // failure().
  boost::asio::awaitable<void> run();
  void onTick(TimePoint now);
  void stopMedia() { sending_ = false; }
  void close();

  const ParticipantConfig& config() const { return config_; }
  const std::optional<std::string>& failure() const { return failure_; }
  bool publishing() const { return publish_.connected(); }
  bool receiving() const { return subscribe_.connected(); }
  std::optional<std::chrono::nanoseconds> joinTime() const { return joinTime_; }
  // From the WebSocket connect to the first media packet received, once one has been.
  std::optional<std::chrono::nanoseconds> firstMediaTime() const;
  const ReceiveTracker& reception() const { return tracker_; }
  const SyntheticAudioSource* audio() const { return audio_.get(); }
  const SyntheticVideoSource* video() const { return video_.get(); }
  std::uint64_t keyframeRequests() const { return keyframeRequests_; }
  std::uint64_t sendFailures() const { return publish_.sendFailures() + subscribe_.sendFailures(); }

 private:
  void sendMedia(std::span<const std::uint8_t> rtp) override { publish_.sendRtp(rtp); }
  void onRtcp(std::span<const std::uint8_t> compound) override;
  void sendReceiverReport();

  ParticipantConfig config_;
  std::unique_ptr<SignalingBackend> signaling_;
  ReceiveTracker tracker_;
  ClientTransport publish_;
  ClientTransport subscribe_;
  std::uint32_t audioSsrc_;
  std::uint32_t videoSsrc_;
  std::uint16_t transportSequence_ = 1;
  std::unique_ptr<SyntheticAudioSource> audio_;
  std::unique_ptr<SyntheticVideoSource> video_;
  bool sending_ = true;
  TimePoint started_{};
  TimePoint nextReport_{};
  std::optional<std::chrono::nanoseconds> joinTime_;
  std::optional<std::string> failure_;
  std::uint64_t keyframeRequests_ = 0;
};

}  // namespace chorus::bench
