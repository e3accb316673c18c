#include "benchmarks/load/LoadRun.h"

#include <cstdio>
#include <memory>
#include <optional>
#include <thread>

#include "benchmarks/load/ChorusSignaling.h"
#include "benchmarks/load/JanusSignaling.h"
#include "benchmarks/load/LoadSession.h"
#include "benchmarks/load/ServerProcess.h"
#include "signaling/auth/DevApplication.h"

namespace chorus::bench {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kJoinSpacing = 10ms;
constexpr auto kFlowingTimeout = 30s;
// A ramp step whose streams do not all flow by then is measured anyway, and does not hold.
constexpr auto kStepFlowingTimeout = 15s;
// After the last join of a storm: how long a joiner may take to see media before it counts
// as failed.
constexpr auto kStormJoinTimeout = 10s;

ParticipantConfig participantConfig(const Scenario& scenario, std::string room, std::string user,
                                    bool publish, bool subscribe) {
  ParticipantConfig config;
  config.room = std::move(room);
  config.user = std::move(user);
  config.publish = publish;
  config.subscribe = subscribe;
  config.audio = scenario.audio;
  config.video = scenario.video;
  config.verifyEvery = scenario.verifyEvery;
  config.delaySource = scenario.delaySource;
  return config;
}

std::string label(const Scenario& scenario) {
  return "[" + std::string(scenarioName(scenario.kind)) + " " + scenario.preset + "]";
}

// Adds room `room` of P members, all publishing and subscribing: each receives the audio and
// video of the P - 1 others.
asio::awaitable<void> addRoom(LoadSession& session, const Scenario& scenario, unsigned room) {
  const unsigned members = scenario.participantsPerRoom;
  for (unsigned member = 0; member < members; ++member) {
    co_await session.add(
        participantConfig(scenario, "bench-" + std::to_string(room),
                          "r" + std::to_string(room) + "p" + std::to_string(member), true, true),
        2 * (members - 1));
    co_await session.wait(kJoinSpacing);
  }
}

asio::awaitable<void> addWebinarPublisher(LoadSession& session, const Scenario& scenario,
                                          const std::string& room) {
  co_await session.add(participantConfig(scenario, room, room + "-publisher", true, false), 0);
  co_await session.wait(kJoinSpacing);
}

asio::awaitable<void> addSubscribers(LoadSession& session, const Scenario& scenario,
                                     const std::string& room, unsigned count) {
  for (unsigned i = 0; i < count; ++i) {
    co_await session.add(
        participantConfig(scenario, room, room + "-s" + std::to_string(session.size()), false,
                          true),
        2);
    co_await session.wait(kJoinSpacing);
  }
}

asio::awaitable<void> announceFlowing(LoadSession& session, const Scenario& scenario,
                                      std::size_t from, Clock::duration timeout) {
  const bool flowing = co_await session.waitFlowing(from, timeout);
  std::printf("%s %zu participants: %s; settling %llds\n", label(scenario).c_str(), session.size(),
              flowing ? "joined, every stream flowing" : "NOT every stream flowing",
              static_cast<long long>(scenario.settle.count()));
  (void)std::fflush(stdout);
  co_await session.wait(scenario.settle);
}

void printStep(const Scenario& scenario, unsigned number, const StepResult& step) {
  std::printf(
      "%s STEP %u load=%u participants=%u: %.0f pkt/s fwd, loss %.3f%%, p99 %.2f ms, server cpu "
      "%.0f%%, %.0f pkt per cpu-s, first media p99 %.0f ms, joins failed %u, silent %u%s\n",
      label(scenario).c_str(), number, step.load, step.participants, step.packetsPerSecond(),
      step.lossRatio() * 100, step.p99Us / 1000, step.serverCpuSeconds / step.seconds * 100,
      step.packetsPerCpuSecond(), step.joins.p99Ms, step.joins.failed, step.silent,
      step.held ? "" : "  -> does not hold");
  (void)std::fflush(stdout);
}

// The fixed-load scenarios: once media flows, one measured step at `load`, then the accounting.
asio::awaitable<void> measureOneStep(LoadSession& session, const Scenario& scenario, unsigned load,
                                     RunResult& result) {
  co_await announceFlowing(session, scenario, 0, kFlowingTimeout);
  StepResult step = co_await session.measureFor(scenario.measure, label(scenario), 1, 0);
  step.load = load;
  printStep(scenario, 1, step);
  result.steps.push_back(step);
  co_await session.finish(result);
}

asio::awaitable<void> runRoomsBody(LoadSession& session, const Scenario& scenario,
                                   RunResult& result) {
  for (unsigned room = 0; room < scenario.rooms; ++room) {
    co_await addRoom(session, scenario, room);
  }
  co_await measureOneStep(session, scenario, scenario.rooms, result);
}

asio::awaitable<void> runWebinarBody(LoadSession& session, const Scenario& scenario,
                                     RunResult& result) {
  co_await addWebinarPublisher(session, scenario, "webinar");
  co_await addSubscribers(session, scenario, "webinar", scenario.subscribers);
  co_await measureOneStep(session, scenario, scenario.subscribers, result);
}

// Adds load step by step; the first step that does not hold ends the ramp, and the one before
// it is the capacity.
asio::awaitable<void> runRampBody(LoadSession& session, const Scenario& scenario,
                                  RunResult& result) {
  const bool rooms = scenario.rampOf == RampOf::kRooms;
  unsigned load = 0;
  if (!rooms) {
    co_await addWebinarPublisher(session, scenario, "webinar");
  }
  for (unsigned number = 1; number <= scenario.rampMaxSteps; ++number) {
    const std::size_t from = session.size();
    const unsigned adding = number == 1 ? scenario.rampStart : scenario.rampStep;
    for (unsigned i = 0; i < adding; ++i) {
      if (rooms) {
        co_await addRoom(session, scenario, load + i);
      }
    }
    if (!rooms) {
      co_await addSubscribers(session, scenario, "webinar", adding);
    }
    load += adding;
    const bool flowing = co_await session.waitFlowing(0, kStepFlowingTimeout);
    co_await session.wait(scenario.settle);
    StepResult step = co_await session.measureFor(scenario.measure, label(scenario), number, from);
    step.load = load;
    step.flowing = flowing;
    step.held = flowing && step.silent == 0 && step.joins.failed == 0 &&
                step.lossRatio() <= scenario.lossLimit &&
                step.p99Us <= std::chrono::duration<double, std::micro>(scenario.p99Limit).count();
    printStep(scenario, number, step);
    result.steps.push_back(step);
    if (!step.held) {
      result.capacityReached = true;
      break;
    }
    result.capacityStep = number;
    result.capacityParticipants = step.participants;
  }
  co_await session.finish(result);
}

// Publishers first (one per room, sending), then subscribers at J per second; each joiner's
// time from its WebSocket connect to its first media packet.
asio::awaitable<void> runJoinStormBody(LoadSession& session, const Scenario& scenario,
                                       RunResult& result) {
  for (unsigned room = 0; room < scenario.stormRooms; ++room) {
    co_await addWebinarPublisher(session, scenario, "storm-" + std::to_string(room));
  }
  co_await announceFlowing(session, scenario, 0, kFlowingTimeout);
  const std::size_t from = session.size();
  const unsigned joiners =
      scenario.joinsPerSecond * static_cast<unsigned>(scenario.stormDuration.count());
  const auto spacing = std::chrono::duration_cast<Clock::duration>(1s) / scenario.joinsPerSecond;
  const LoadSession::Mark since = co_await session.mark();
  std::printf("%s storm: %u joins at %u per second\n", label(scenario).c_str(), joiners,
              scenario.joinsPerSecond);
  (void)std::fflush(stdout);
  for (unsigned i = 0; i < joiners; ++i) {
    const std::string room = "storm-" + std::to_string(i % scenario.stormRooms);
    co_await session.add(
        participantConfig(scenario, room, room + "-j" + std::to_string(i), false, true), 2);
    co_await session.wait(since.at + spacing * (i + 1) - Clock::now());
  }
  co_await session.waitFlowing(from, kStormJoinTimeout);
  StepResult step = co_await session.measure(since, from, true);
  step.load = scenario.joinsPerSecond;
  step.flowing = co_await session.flowing(from);
  printStep(scenario, 1, step);
  result.steps.push_back(step);
  co_await session.finish(result);
}

std::size_t maxParticipants(const Scenario& scenario) {
  switch (scenario.kind) {
    case ScenarioKind::kRooms:
      return std::size_t{scenario.rooms} * scenario.participantsPerRoom;
    case ScenarioKind::kWebinar:
      return scenario.subscribers + 1;
    case ScenarioKind::kRamp: {
      const std::size_t load =
          scenario.rampStart + std::size_t{scenario.rampStep} * (scenario.rampMaxSteps - 1);
      return scenario.rampOf == RampOf::kRooms ? load * scenario.participantsPerRoom : load + 1;
    }
    case ScenarioKind::kJoinStorm:
      return scenario.stormRooms + std::size_t{scenario.joinsPerSecond} *
                                       static_cast<std::size_t>(scenario.stormDuration.count());
  }
  return 0;
}

std::unique_ptr<SignalingBackend> signalingFor(ServerKind kind, asio::any_io_executor executor,
                                               const ChorusEndpoint& endpoint) {
  if (kind == ServerKind::kJanus) {
    return std::make_unique<JanusSignaling>(std::move(executor), endpoint.http);
  }
  return std::make_unique<ChorusSignaling>(std::move(executor), endpoint);
}

std::string cpus(unsigned first, unsigned last) {
  return first == last ? "cpu " + std::to_string(first)
                       : "cpus " + std::to_string(first) + "-" + std::to_string(last);
}

// Lane i on CPU i, the server on every CPU after the lanes', where there is at least one left
// for it; what was done, for the report.
std::string pin(LoadSession& session, pid_t server, bool wanted) {
  const unsigned lanes = session.lanes();
  const unsigned available = std::thread::hardware_concurrency();
  if (!wanted || available <= lanes || !session.pinLanes() ||
      !pinToCpus(server, static_cast<int>(lanes), static_cast<int>(available - 1))) {
    return "none";
  }
  return "harness " + cpus(0, lanes - 1) + (lanes > 1 ? " (one per lane)" : "") + ", server " +
         cpus(lanes, available - 1);
}

}  // namespace

std::size_t roomsUsed(const Scenario& scenario) {
  switch (scenario.kind) {
    case ScenarioKind::kRooms:
      return scenario.rooms;
    case ScenarioKind::kRamp:
      return scenario.rampOf == RampOf::kRooms
                 ? scenario.rampStart + std::size_t{scenario.rampStep} * (scenario.rampMaxSteps - 1)
                 : 1;
    case ScenarioKind::kWebinar:
      return 1;
    case ScenarioKind::kJoinStorm:
      return scenario.stormRooms;
  }
  return 0;
}

std::string_view scenarioName(ScenarioKind kind) {
  switch (kind) {
    case ScenarioKind::kRooms:
      return "rooms";
    case ScenarioKind::kWebinar:
      return "webinar";
    case ScenarioKind::kRamp:
      return "ramp";
    case ScenarioKind::kJoinStorm:
      return "join-storm";
  }
  return "unknown";
}

bool RunResult::agreed() const {
  return failedJoins == 0 && accounting.receivedStreams == accounting.expectedStreams &&
         accounting.unaccounted == 0 && accounting.duplicates == 0 && accounting.lost == 0 &&
         accounting.probeMismatches == 0 && accounting.unknownSsrc == 0 && accounting.verified > 0;
}

RunResult runScenario(const Scenario& scenario, const ServerTarget& target) {
  RunResult result;
  result.scenario = scenario;
  result.serverWorkers = target.workers;
  result.server = target.kind == ServerKind::kJanus ? "janus" : "chorus";
  std::optional<ServerProcess> process;
  pid_t pid = target.pid;
  std::uint16_t port = target.httpPort;
  if (!target.chorusdPath.empty()) {
    process.emplace(target.chorusdPath, target.workers, target.logPath);
    pid = process->pid();
    port = process->httpPort();
  }

  const asio::ip::tcp::endpoint http(asio::ip::address_v4::loopback(), port);
  const ChorusEndpoint endpoint{http, std::string(signaling::kDevApplicationKey),
                                std::string(signaling::kDevApplicationSecret)};
  LoadSession session(scenario.threads, maxParticipants(scenario), pid, http,
                      [kind = target.kind, endpoint](asio::any_io_executor executor) {
                        return signalingFor(kind, std::move(executor), endpoint);
                      });
  result.pinning = pin(session, pid, target.pin);
  session.run([&](LoadSession& running) -> asio::awaitable<void> {
    switch (scenario.kind) {
      case ScenarioKind::kRooms:
        co_await runRoomsBody(running, scenario, result);
        break;
      case ScenarioKind::kWebinar:
        co_await runWebinarBody(running, scenario, result);
        break;
      case ScenarioKind::kRamp:
        co_await runRampBody(running, scenario, result);
        break;
      case ScenarioKind::kJoinStorm:
        co_await runJoinStormBody(running, scenario, result);
        break;
    }
  });
  return result;
}

RunResult runRooms(const RoomsScenario& scenario, const ServerTarget& target) {
  return runScenario(scenario, target);
}

}  // namespace chorus::bench
