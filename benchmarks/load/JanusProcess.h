#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>

namespace chorus::bench {

// The Janus that benchmarks/peers/janus/run-janus.sh started in its network namespace, with the
// harness as the command beside it: what the script exported (JANUS_PID for CPU and RSS from
// /proc, JANUS_WS_URL, JANUS_ROOMS, JANUS_EVENT_LOOPS, JANUS_CPUS, JANUS_SRTP_PROFILES). The
// script starts and stops Janus; the harness only reads.
struct JanusProcess {
  pid_t pid = 0;
  std::uint16_t wsPort = 0;
  unsigned rooms = 0;       // VideoRoom rooms 1..rooms exist
  unsigned eventLoops = 0;  // Janus's media threads
  std::string cpus;         // what Janus is pinned to ("all" when not pinned)
  std::string srtpProfiles;

  // Throws std::runtime_error when not run by run-janus.sh, or when it made fewer rooms than
  // `roomsNeeded`.
  static JanusProcess fromEnvironment(unsigned roomsNeeded);
};

}  // namespace chorus::bench
