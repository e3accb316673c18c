#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "benchmarks/load/ReceiveTracker.h"
#include "benchmarks/load/SyntheticAudioSource.h"
#include "benchmarks/load/SyntheticVideoSource.h"

namespace chorus::bench {

// What a run does; benchmarks/load/README.md ("Scenarios") describes each.
enum class ScenarioKind {
  kRooms,      // R rooms of P, all-to-all audio and video
  kWebinar,    // one publisher, S subscribers, one room
  kRamp,       // rooms (or a webinar's subscribers) added step by step until it no longer holds
  kJoinStorm,  // subscribers joining at J per second into rooms whose publishers are sending
};
enum class RampOf { kRooms, kSubscribers };

std::string_view scenarioName(ScenarioKind kind);

struct Scenario {
  ScenarioKind kind = ScenarioKind::kRooms;
  // Where receivers take a packet's send time (--delay); beside `kind`, in its padding.
  DelaySource delaySource = DelaySource::kAbsSendTime;
  std::string preset = "custom";
  // rooms, and the rooms a room ramp adds
  unsigned rooms = 2;
  unsigned participantsPerRoom = 3;
  // webinar
  unsigned subscribers = 100;
  // ramp: step 1 has `rampStart` rooms (or subscribers), every step after adds `rampStep`;
  // a step holds while loss ≤ lossLimit, p99 delay ≤ p99Limit, every join succeeds, every
  // expected stream flows and every subscriber receives during the step.
  RampOf rampOf = RampOf::kRooms;
  unsigned rampStart = 10;
  unsigned rampStep = 10;
  unsigned rampMaxSteps = 10;
  double lossLimit = 0.01;
  std::chrono::milliseconds p99Limit{50};
  // join-storm: `stormRooms` publishers first, then joinsPerSecond subscribers a second for
  // `stormDuration`, spread over those rooms.
  unsigned joinsPerSecond = 50;
  std::chrono::seconds stormDuration{4};
  unsigned stormRooms = 10;

  std::chrono::seconds settle{3};    // after every participant receives every stream
  std::chrono::seconds measure{10};  // per step
  AudioSourceConfig audio;
  VideoSourceConfig video;
  std::uint32_t verifyEvery = 16;
  // The harness's media loops (LoadLane), each on its own thread; participants are spread over
  // them in turn.
  unsigned threads = 1;
  // Forwarded packets per second of chorus-microbench's transportUnprotectProtect (SRTP
  // unprotect + protect per forwarded packet on one core), when the caller measured it.
  std::optional<double> singleCoreLimit;
};
// The name it had when `rooms` was the only scenario.
using RoomsScenario = Scenario;

// Which SFU the participants talk to, and so which SignalingBackend they use.
enum class ServerKind : std::uint8_t {
  kChorus,  // docs/signaling.md (ChorusSignaling)
  kJanus,   // Janus VideoRoom's WebSocket API (JanusSignaling), run by run-janus.sh
};

// The server under load: one the harness starts (chorusdPath) or one already running (pid and
// port given; for Janus, run-janus.sh's JANUS_PID and JANUS_WS_URL's port).
struct ServerTarget {
  ServerKind kind = ServerKind::kChorus;
  std::string chorusdPath;
  unsigned workers = 1;
  std::string logPath;
  pid_t pid = 0;
  std::uint16_t httpPort = 0;
  bool pin = true;  // harness lanes on CPUs 0..N-1, server on the rest, where there is a rest
};

// Connect-to-first-media times of the participants that joined in an interval.
struct JoinStats {
  unsigned joined = 0;  // received their first media packet
  unsigned failed = 0;  // signaling failed, or no media within the step's wait
  double p50Ms = 0, p99Ms = 0, maxMs = 0;
};

// One measured interval.
struct StepResult {
  unsigned load = 0;  // what the scenario varies: rooms, subscribers or joins per second
  unsigned participants = 0;
  double seconds = 0;
  std::uint64_t packetsReceived = 0;  // by all subscribers: packets the server forwarded
  std::uint64_t bytesReceived = 0;
  std::optional<double> serverForwarded;  // the server's own counter over the step (/metrics)
  std::uint64_t lost = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t reordered = 0;
  double serverCpuSeconds = 0;
  double harnessCpuSeconds = 0;
  std::uint64_t serverRssBytes = 0;
  double p50Us = 0, p90Us = 0, p99Us = 0, maxUs = 0;
  std::uint64_t delaySamples = 0;
  double jitterUs = 0;  // mean over streams of RFC 3550 interarrival jitter
  bool flowing = true;  // every expected stream had a packet before the step began
  unsigned silent = 0;  // participants expecting media that received nothing during the step
  JoinStats joins;      // of the participants added for this step
  bool held = true;     // within the ramp's limits

  double packetsPerSecond() const {
    return seconds > 0 ? static_cast<double>(packetsReceived) / seconds : 0;
  }
  double bitsPerSecond() const {
    return seconds > 0 ? static_cast<double>(bytesReceived) * 8.0 / seconds : 0;
  }
  double packetsPerCpuSecond() const {
    return serverCpuSeconds > 0 ? static_cast<double>(packetsReceived) / serverCpuSeconds : 0;
  }
  double lossRatio() const {
    const std::uint64_t expected = packetsReceived + lost;
    return expected > 0 ? static_cast<double>(lost) / static_cast<double>(expected) : 0;
  }
};

// After the senders stop and what was in flight has arrived: every packet each publisher sent
// after a subscriber's first one is compared with what that subscriber received.
struct Accounting {
  unsigned expectedStreams = 0;  // what every participant should receive, summed
  unsigned receivedStreams = 0;  // streams with at least one packet
  std::uint64_t sentAfterStart = 0;
  std::uint64_t receivedUnique = 0;
  std::uint64_t unaccounted = 0;  // sent after the subscriber's first packet, never received
  std::uint64_t duplicates = 0;
  std::uint64_t lost = 0;      // gaps in the forwarded sequence numbers
  std::uint64_t verified = 0;  // packets decrypted and their probe checked
  std::uint64_t probeMismatches = 0;
  std::uint64_t unknownSsrc = 0;
  std::uint64_t keyframeRequests = 0;
  std::uint64_t sendFailures = 0;
  // Every RTP packet every subscriber received, and what the server says it forwarded over the
  // whole run (it also counts packets sent before a subscriber's DTLS was up, which the client
  // cannot read: the two are set side by side, not required to be equal).
  std::uint64_t harnessReceived = 0;
  std::optional<double> serverForwarded;
};

struct RunResult {
  Scenario scenario;
  std::string server = "chorus";
  unsigned serverWorkers = 0;
  std::string pinning;
  unsigned failedJoins = 0;
  std::vector<std::string> failures;
  double joinP50Ms = 0, joinP99Ms = 0, joinMaxMs = 0;  // connect to publish answered (or joined)
  std::vector<StepResult> steps;
  Accounting accounting;
  // ramp: the last step that held (its index from 1 and its participants), none when step 1
  // did not; `capacityReached` false when every step held (the capacity is at least that).
  unsigned capacityStep = 0;
  unsigned capacityParticipants = 0;
  bool capacityReached = false;
  bool agreed() const;
};

// How many rooms the scenario ever uses (a Janus run needs them configured beforehand).
std::size_t roomsUsed(const Scenario& scenario);

// Starts the server when asked to, pins, runs the scenario, returns what it measured.
RunResult runScenario(const Scenario& scenario, const ServerTarget& target);
RunResult runRooms(const RoomsScenario& scenario, const ServerTarget& target);

}  // namespace chorus::bench
