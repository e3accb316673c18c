#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "benchmarks/load/ReceiveTracker.h"
#include "benchmarks/load/SyntheticAudioSource.h"
#include "benchmarks/load/SyntheticVideoSource.h"

namespace chorus::bench {

// The `rooms` scenario: R rooms of P participants, everyone publishing audio and video and
// receiving everyone else in the room.
struct RoomsScenario {
  std::string preset = "custom";
  unsigned rooms = 2;
  unsigned participantsPerRoom = 3;
  std::chrono::seconds settle{3};  // after every participant receives every stream
  std::chrono::seconds measure{10};
  AudioSourceConfig audio;
  VideoSourceConfig video;
  std::uint32_t verifyEvery = 16;
  DelaySource delaySource = DelaySource::kAbsSendTime;
};

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
  bool pin = true;  // harness on CPU 0, server on CPU 1, where there are two
};

// One measured interval.
struct StepResult {
  unsigned participants = 0;
  double seconds = 0;
  std::uint64_t packetsReceived = 0;  // by all subscribers: packets the server forwarded
  std::uint64_t bytesReceived = 0;
  std::uint64_t lost = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t reordered = 0;
  double serverCpuSeconds = 0;
  std::uint64_t serverRssBytes = 0;
  double p50Us = 0, p90Us = 0, p99Us = 0, maxUs = 0;
  std::uint64_t delaySamples = 0;
  double jitterUs = 0;  // mean over streams of RFC 3550 interarrival jitter

  double packetsPerSecond() const { return seconds > 0 ? packetsReceived / seconds : 0; }
  double bitsPerSecond() const { return seconds > 0 ? bytesReceived * 8.0 / seconds : 0; }
  double packetsPerCpuSecond() const {
    return serverCpuSeconds > 0 ? packetsReceived / serverCpuSeconds : 0;
  }
  double lossRatio() const {
    return packetsReceived + lost > 0 ? static_cast<double>(lost) / (packetsReceived + lost) : 0;
  }
};

// After the senders stop and what was in flight has arrived: every packet each publisher sent
// after a subscriber's first one is compared with what that subscriber received.
struct Accounting {
  unsigned expectedStreams = 0;  // P - 1 publishers x 2 kinds, for every participant
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
};

struct RunResult {
  RoomsScenario scenario;
  std::string server = "chorus";
  unsigned serverWorkers = 0;
  std::string pinning;
  unsigned failedJoins = 0;
  std::vector<std::string> failures;
  double joinP50Ms = 0, joinP99Ms = 0, joinMaxMs = 0;
  std::vector<StepResult> steps;
  Accounting accounting;
  bool agreed() const;
};

RunResult runRooms(const RoomsScenario& scenario, const ServerTarget& target);

}  // namespace chorus::bench
