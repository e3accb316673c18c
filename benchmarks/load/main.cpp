// chorus-bench: real WebRTC clients against a running SFU (issue 8). benchmarks/load/README.md
// describes the scenarios, the flags and the output.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <map>
#include <string>
#include <string_view>

#include "benchmarks/load/JanusProcess.h"
#include "benchmarks/load/LoadRun.h"
#include "benchmarks/load/LoopbackFloor.h"
#include "benchmarks/load/RunReport.h"

namespace {

using chorus::bench::RampOf;
using chorus::bench::Scenario;
using chorus::bench::ScenarioKind;
using chorus::bench::ServerTarget;
using std::chrono::seconds;

constexpr std::string_view kUsage =
    "usage: chorus-bench --chorusd PATH | --server-pid PID --server-port PORT\n"
    "         | --server janus (inside benchmarks/peers/janus/run-janus.sh)\n"
    "         | --server none [--floor pairs|mesh] (the harness-to-harness floor)\n"
    "         [--preset NAME] [--scenario rooms|webinar|ramp|join-storm]\n"
    "         [--rooms R] [--participants P] [--subscribers S]\n"
    "         [--ramp-of rooms|subscribers] [--ramp-start N] [--ramp-step N] [--ramp-max-steps N]\n"
    "         [--loss-limit FRACTION] [--p99-limit-ms MS]\n"
    "         [--joins-per-second J] [--storm-s S] [--storm-rooms N]\n"
    "         [--video-kbps K] [--keyframe-s N] [--dtx] [--measure-s S] [--settle-s S]\n"
    "         [--verify-every N] [--delay abs-send-time|probe] [--workers W] [--no-pin]\n"
    "         [--single-core-limit PPS] [--threads N] [--out DIR] [--check]\n"
    "presets: quick rooms-small rooms-50x4 webinar-100 webinar-500 ramp-rooms ramp-webinar\n"
    "         join-storm-50\n"
    "--server none runs the rooms scenario only, on one thread\n";

Scenario preset(std::string_view name) {
  Scenario scenario;
  scenario.preset = std::string(name);
  if (name == "quick") {
    scenario.rooms = 2;
    scenario.participantsPerRoom = 3;
    scenario.settle = seconds(2);
    scenario.measure = seconds(10);
    scenario.video.bitrateBps = 300'000;
  } else if (name == "rooms-small") {
    scenario.rooms = 10;
    scenario.participantsPerRoom = 4;
    scenario.measure = seconds(20);
  } else if (name == "rooms-50x4") {
    scenario.rooms = 50;
    scenario.participantsPerRoom = 4;
    scenario.measure = seconds(30);
  } else if (name == "webinar-100" || name == "webinar-500") {
    scenario.kind = ScenarioKind::kWebinar;
    scenario.subscribers = name == "webinar-100" ? 100 : 500;
    scenario.measure = seconds(20);
  } else if (name == "ramp-rooms") {
    scenario.kind = ScenarioKind::kRamp;
    scenario.rampOf = RampOf::kRooms;
    scenario.participantsPerRoom = 4;
    scenario.rampStart = 20;
    scenario.rampStep = 20;
    scenario.rampMaxSteps = 10;
    scenario.settle = seconds(2);
    scenario.measure = seconds(8);
  } else if (name == "ramp-webinar") {
    scenario.kind = ScenarioKind::kRamp;
    scenario.rampOf = RampOf::kSubscribers;
    // 1.5 Mbit/s of video (about 210 packets/s with audio per subscriber) reaches the server's
    // limit with fewer sockets than 500 kbit/s would.
    scenario.video.bitrateBps = 1'500'000;
    scenario.rampStart = 200;
    scenario.rampStep = 200;
    scenario.rampMaxSteps = 8;
    scenario.settle = seconds(2);
    scenario.measure = seconds(8);
  } else if (name == "join-storm-50") {
    scenario.kind = ScenarioKind::kJoinStorm;
    scenario.joinsPerSecond = 50;
    scenario.stormDuration = seconds(4);
    scenario.stormRooms = 10;
    scenario.settle = seconds(2);
  } else {
    throw std::invalid_argument("unknown preset " + std::string(name));
  }
  return scenario;
}

ScenarioKind kindOf(std::string_view name) {
  if (name == "rooms") {
    return ScenarioKind::kRooms;
  }
  if (name == "webinar") {
    return ScenarioKind::kWebinar;
  }
  if (name == "ramp") {
    return ScenarioKind::kRamp;
  }
  if (name == "join-storm") {
    return ScenarioKind::kJoinStorm;
  }
  throw std::invalid_argument("unknown scenario " + std::string(name));
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::map<std::string, std::string> options;
    for (int i = 1; i < argc; ++i) {
      const std::string_view flag = argv[i];
      if (flag == "--dtx" || flag == "--no-pin" || flag == "--check") {
        options[std::string(flag)] = "1";
      } else if (flag.starts_with("--") && i + 1 < argc) {
        options[std::string(flag)] = argv[++i];
      } else {
        (void)std::fputs(kUsage.data(), stderr);
        return 2;
      }
    }
    const auto option = [&](const std::string& name) -> const std::string* {
      const auto it = options.find(name);
      return it == options.end() ? nullptr : &it->second;
    };
    Scenario scenario = preset(option("--preset") ? *option("--preset") : "quick");
    // A flag that changes the load makes the run a custom one.
    const auto count = [&](const char* name, unsigned& field) {
      if (const auto* value = option(name)) {
        field = static_cast<unsigned>(std::stoul(*value));
        scenario.preset = "custom";
      }
    };
    if (const auto* value = option("--scenario")) {
      scenario.kind = kindOf(*value);
      scenario.preset = "custom";
    }
    count("--rooms", scenario.rooms);
    count("--participants", scenario.participantsPerRoom);
    count("--subscribers", scenario.subscribers);
    count("--ramp-start", scenario.rampStart);
    count("--ramp-step", scenario.rampStep);
    count("--ramp-max-steps", scenario.rampMaxSteps);
    count("--joins-per-second", scenario.joinsPerSecond);
    count("--storm-rooms", scenario.stormRooms);
    if (const auto* value = option("--ramp-of")) {
      scenario.rampOf = *value == "subscribers" ? RampOf::kSubscribers : RampOf::kRooms;
      scenario.preset = "custom";
    }
    if (const auto* value = option("--storm-s")) {
      scenario.stormDuration = seconds(std::stol(*value));
    }
    if (const auto* value = option("--loss-limit")) {
      scenario.lossLimit = std::stod(*value);
    }
    if (const auto* value = option("--p99-limit-ms")) {
      scenario.p99Limit = std::chrono::milliseconds(std::stol(*value));
    }
    if (const auto* value = option("--video-kbps")) {
      scenario.video.bitrateBps = static_cast<std::uint32_t>(std::stoul(*value) * 1000);
    }
    if (const auto* value = option("--keyframe-s")) {
      scenario.video.keyframeInterval = seconds(std::stol(*value));
    }
    if (const auto* value = option("--measure-s")) {
      scenario.measure = seconds(std::stol(*value));
    }
    if (const auto* value = option("--settle-s")) {
      scenario.settle = seconds(std::stol(*value));
    }
    if (const auto* value = option("--verify-every")) {
      scenario.verifyEvery = static_cast<std::uint32_t>(std::stoul(*value));
    }
    if (const auto* value = option("--single-core-limit")) {
      scenario.singleCoreLimit = std::stod(*value);
    }
    if (const auto* value = option("--threads")) {
      scenario.threads = static_cast<unsigned>(std::stoul(*value));
    }
    scenario.audio.dtx = option("--dtx") != nullptr;
    const std::string server = option("--server") ? *option("--server") : "chorus";
    if (server != "chorus" && server != "janus" && server != "none") {
      throw std::invalid_argument("--server is chorus, janus or none");
    }
    // The floor has no server to hold a webinar, a ramp or a storm, and one loop of its own.
    if (server == "none" && scenario.kind != ScenarioKind::kRooms) {
      throw std::invalid_argument("--server none runs the rooms scenario only");
    }
    if (server == "none" && scenario.threads != 1) {
      throw std::invalid_argument("--server none runs on one thread");
    }
    // Janus drops the publishers' abs-send-time: against it, delay comes from the payload.
    const std::string delay =
        option("--delay") ? *option("--delay") : (server == "janus" ? "probe" : "abs-send-time");
    if (delay != "probe" && delay != "abs-send-time") {
      throw std::invalid_argument("--delay is abs-send-time or probe");
    }
    scenario.delaySource = delay == "probe" ? chorus::bench::DelaySource::kProbe
                                            : chorus::bench::DelaySource::kAbsSendTime;
    if (scenario.participantsPerRoom < 2 || scenario.rooms == 0 || scenario.subscribers == 0 ||
        scenario.rampStart == 0 || scenario.rampMaxSteps == 0 || scenario.joinsPerSecond == 0 ||
        scenario.stormRooms == 0 || scenario.stormDuration.count() <= 0 || scenario.threads == 0) {
      throw std::invalid_argument(
          "a room needs at least 2 participants, and every count at least 1");
    }

    const std::string out = option("--out") ? *option("--out") : ".";
    ServerTarget target;
    target.pin = option("--no-pin") == nullptr;
    target.workers =
        option("--workers") ? static_cast<unsigned>(std::stoul(*option("--workers"))) : 1;
    if (server == "none") {
      // No server process: the floor runs alone and reports like a run.
    } else if (server == "janus") {
      const auto janus = chorus::bench::JanusProcess::fromEnvironment(
          static_cast<unsigned>(chorus::bench::roomsUsed(scenario)));
      target.kind = chorus::bench::ServerKind::kJanus;
      target.pid = janus.pid;
      target.httpPort = janus.wsPort;
      target.workers = janus.eventLoops;
      std::printf("janus: pid %d, ws port %u, rooms 1..%u, event_loops %u, cpus %s, srtp %s\n",
                  static_cast<int>(janus.pid), janus.wsPort, janus.rooms, janus.eventLoops,
                  janus.cpus.c_str(), janus.srtpProfiles.c_str());
    } else if (const auto* path = option("--chorusd")) {
      target.chorusdPath = *path;
      target.logPath = out + "/chorusd.log";
    } else if (option("--server-pid") && option("--server-port")) {
      target.pid = std::stoi(*option("--server-pid"));
      target.httpPort = static_cast<std::uint16_t>(std::stoul(*option("--server-port")));
    } else {
      (void)std::fputs(kUsage.data(), stderr);
      return 2;
    }

    const auto result = server == "none"
                            ? chorus::bench::runLoopbackFloor(
                                  scenario, target.pin,
                                  option("--floor") != nullptr && *option("--floor") == "mesh")
                            : chorus::bench::runScenario(scenario, target);
    const std::string table = chorus::bench::RunReport::markdown(result);
    const std::string stem = out + "/chorus-bench-" +
                             std::string(chorus::bench::scenarioName(scenario.kind)) + "-" +
                             scenario.preset;
    std::ofstream(stem + ".json") << chorus::bench::RunReport::json(result);
    std::ofstream(stem + ".md") << table;
    std::ofstream(stem + ".dat") << chorus::bench::RunReport::plotData(result);
    std::printf("\n%s\n%s\nwrote %s.json, .md and .dat\n", table.c_str(),
                chorus::bench::RunReport::summary(result).c_str(), stem.c_str());
    for (const auto& failure : result.failures) {
      std::printf("failed: %s\n", failure.c_str());
    }
    return option("--check") != nullptr && !result.agreed() ? 1 : 0;
  } catch (const std::exception& error) {
    (void)std::fprintf(stderr, "chorus-bench: %s\n", error.what());
    return 2;
  }
}
