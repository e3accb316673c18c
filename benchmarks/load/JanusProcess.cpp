#include "benchmarks/load/JanusProcess.h"

#include <cstdlib>
#include <stdexcept>

namespace chorus::bench {
namespace {

std::string variable(const char* name, bool required) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read before threads
  if (value == nullptr || *value == '\0') {
    if (required) {
      throw std::runtime_error(std::string("no ") + name +
                               ": run the harness through benchmarks/peers/janus/run-janus.sh");
    }
    return {};
  }
  return value;
}

}  // namespace

JanusProcess JanusProcess::fromEnvironment(unsigned roomsNeeded) {
  JanusProcess janus;
  janus.pid = static_cast<pid_t>(std::stol(variable("JANUS_PID", true)));
  // ws://127.0.0.1:PORT
  const std::string url = variable("JANUS_WS_URL", true);
  janus.wsPort = static_cast<std::uint16_t>(std::stoul(url.substr(url.rfind(':') + 1)));
  janus.rooms = static_cast<unsigned>(std::stoul(variable("JANUS_ROOMS", true)));
  const std::string loops = variable("JANUS_EVENT_LOOPS", false);
  janus.eventLoops = loops.empty() ? 0 : static_cast<unsigned>(std::stoul(loops));
  janus.cpus = variable("JANUS_CPUS", false);
  janus.srtpProfiles = variable("JANUS_SRTP_PROFILES", false);
  if (janus.rooms < roomsNeeded) {
    throw std::runtime_error("Janus has rooms 1.." + std::to_string(janus.rooms) +
                             ", the run needs " + std::to_string(roomsNeeded) +
                             ": run-janus.sh --rooms");
  }
  return janus;
}

}  // namespace chorus::bench
