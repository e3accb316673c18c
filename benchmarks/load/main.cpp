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

using chorus::bench::RoomsScenario;
using chorus::bench::ServerTarget;

constexpr std::string_view kUsage =
    "usage: chorus-bench --chorusd PATH | --server-pid PID --server-port PORT\n"
    "         | --server janus (inside benchmarks/peers/janus/run-janus.sh)\n"
    "         | --server none [--floor pairs|mesh] (the harness-to-harness floor)\n"
    "         [--preset quick|rooms-small|rooms-50x4] [--rooms R] [--participants P]\n"
    "         [--video-kbps K] [--keyframe-s N] [--dtx] [--measure-s S] [--settle-s S]\n"
    "         [--verify-every N] [--delay abs-send-time|probe] [--workers W] [--no-pin]\n"
    "         [--out DIR] [--check]\n";

RoomsScenario preset(std::string_view name) {
  RoomsScenario scenario;
  scenario.preset = std::string(name);
  if (name == "quick") {
    scenario.rooms = 2;
    scenario.participantsPerRoom = 3;
    scenario.settle = std::chrono::seconds(2);
    scenario.measure = std::chrono::seconds(10);
    scenario.video.bitrateBps = 300'000;
  } else if (name == "rooms-small") {
    scenario.rooms = 10;
    scenario.participantsPerRoom = 4;
    scenario.measure = std::chrono::seconds(20);
  } else if (name == "rooms-50x4") {
    scenario.rooms = 50;
    scenario.participantsPerRoom = 4;
    scenario.measure = std::chrono::seconds(30);
  } else {
    throw std::invalid_argument("unknown preset " + std::string(name));
  }
  return scenario;
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
        std::fputs(kUsage.data(), stderr);
        return 2;
      }
    }
    const auto option = [&](const std::string& name) -> const std::string* {
      const auto it = options.find(name);
      return it == options.end() ? nullptr : &it->second;
    };
    RoomsScenario scenario = preset(option("--preset") ? *option("--preset") : "quick");
    if (const auto* value = option("--rooms")) {
      scenario.rooms = static_cast<unsigned>(std::stoul(*value));
      scenario.preset = "custom";
    }
    if (const auto* value = option("--participants")) {
      scenario.participantsPerRoom = static_cast<unsigned>(std::stoul(*value));
      scenario.preset = "custom";
    }
    if (const auto* value = option("--video-kbps")) {
      scenario.video.bitrateBps = static_cast<std::uint32_t>(std::stoul(*value) * 1000);
    }
    if (const auto* value = option("--keyframe-s")) {
      scenario.video.keyframeInterval = std::chrono::seconds(std::stol(*value));
    }
    if (const auto* value = option("--measure-s")) {
      scenario.measure = std::chrono::seconds(std::stol(*value));
    }
    if (const auto* value = option("--settle-s")) {
      scenario.settle = std::chrono::seconds(std::stol(*value));
    }
    if (const auto* value = option("--verify-every")) {
      scenario.verifyEvery = static_cast<std::uint32_t>(std::stoul(*value));
    }
    scenario.audio.dtx = option("--dtx") != nullptr;
    const std::string server = option("--server") ? *option("--server") : "chorus";
    if (server != "chorus" && server != "janus" && server != "none") {
      throw std::invalid_argument("--server is chorus, janus or none");
    }
    // Janus drops the publishers' abs-send-time: against it, delay comes from the payload.
    const std::string delay =
        option("--delay") ? *option("--delay") : (server == "janus" ? "probe" : "abs-send-time");
    if (delay != "probe" && delay != "abs-send-time") {
      throw std::invalid_argument("--delay is abs-send-time or probe");
    }
    scenario.delaySource = delay == "probe" ? chorus::bench::DelaySource::kProbe
                                            : chorus::bench::DelaySource::kAbsSendTime;
    if (scenario.participantsPerRoom < 2 || scenario.rooms == 0) {
      throw std::invalid_argument("a room needs at least 2 participants");
    }

    const std::string out = option("--out") ? *option("--out") : ".";
    ServerTarget target;
    target.pin = option("--no-pin") == nullptr;
    target.workers =
        option("--workers") ? static_cast<unsigned>(std::stoul(*option("--workers"))) : 1;
    if (server == "none") {
      // No server process: the floor runs alone and reports like a run.
    } else if (server == "janus") {
      const auto janus = chorus::bench::JanusProcess::fromEnvironment(scenario.rooms);
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
      std::fputs(kUsage.data(), stderr);
      return 2;
    }

    const auto result = server == "none"
                            ? chorus::bench::runLoopbackFloor(
                                  scenario, target.pin,
                                  option("--floor") != nullptr && *option("--floor") == "mesh")
                            : chorus::bench::runRooms(scenario, target);
    const std::string table = chorus::bench::RunReport::markdown(result);
    const std::string stem = out + "/chorus-bench-rooms-" + scenario.preset;
    std::ofstream(stem + ".json") << chorus::bench::RunReport::json(result);
    std::ofstream(stem + ".md") << table;
    const auto& a = result.accounting;
    std::printf(
        "\n%s\nsummary: rooms %ux%u on %s (%u worker%s, pinning: %s); joins failed "
        "%u; streams %u/%u; sent after start %llu, received %llu, unaccounted %llu, "
        "lost %llu, duplicates %llu; %llu packets decrypted and verified, %llu "
        "mismatches; %s\nwrote %s.json and %s.md\n",
        table.c_str(), scenario.rooms, scenario.participantsPerRoom, result.server.c_str(),
        target.workers, target.workers == 1 ? "" : "s", result.pinning.c_str(), result.failedJoins,
        a.receivedStreams, a.expectedStreams, static_cast<unsigned long long>(a.sentAfterStart),
        static_cast<unsigned long long>(a.receivedUnique),
        static_cast<unsigned long long>(a.unaccounted), static_cast<unsigned long long>(a.lost),
        static_cast<unsigned long long>(a.duplicates), static_cast<unsigned long long>(a.verified),
        static_cast<unsigned long long>(a.probeMismatches),
        result.agreed() ? "harness and server agree" : "HARNESS AND SERVER DISAGREE", stem.c_str(),
        stem.c_str());
    for (const auto& failure : result.failures) {
      std::printf("failed: %s\n", failure.c_str());
    }
    return option("--check") != nullptr && !result.agreed() ? 1 : 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "chorus-bench: %s\n", error.what());
    return 2;
  }
}
