#include "benchmarks/load/RunReport.h"

#include <array>
#include <cstdio>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace chorus::bench {
namespace json = boost::json;

namespace {

std::string fixed(double value, int decimals) {
  std::array<char, 64> text{};
  (void)std::snprintf(text.data(), text.size(), "%.*f", decimals, value);
  return text.data();
}

json::value optionalNumber(const std::optional<double>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

double cpuShare(const StepResult& step, double cpuSeconds) {
  return step.seconds > 0 ? cpuSeconds / step.seconds : 0;
}

json::object parameters(const Scenario& scenario) {
  json::object parameters{
      {"video_bitrate_bps", scenario.video.bitrateBps},
      {"keyframe_interval_s", scenario.video.keyframeInterval.count()},
      {"audio_dtx", scenario.audio.dtx},
      {"settle_s", scenario.settle.count()},
      {"measure_s", scenario.measure.count()},
      {"verify_every", scenario.verifyEvery},
      {"threads", scenario.threads},
      {"delay_source", scenario.delaySource == DelaySource::kProbe ? "probe" : "abs-send-time"}};
  switch (scenario.kind) {
    case ScenarioKind::kRooms:
      parameters["rooms"] = scenario.rooms;
      parameters["participants_per_room"] = scenario.participantsPerRoom;
      break;
    case ScenarioKind::kWebinar:
      parameters["subscribers"] = scenario.subscribers;
      break;
    case ScenarioKind::kRamp:
      parameters["ramp_of"] = scenario.rampOf == RampOf::kRooms ? "rooms" : "subscribers";
      if (scenario.rampOf == RampOf::kRooms) {
        parameters["participants_per_room"] = scenario.participantsPerRoom;
      }
      parameters["start"] = scenario.rampStart;
      parameters["step"] = scenario.rampStep;
      parameters["max_steps"] = scenario.rampMaxSteps;
      parameters["loss_limit"] = scenario.lossLimit;
      parameters["p99_limit_ms"] = scenario.p99Limit.count();
      break;
    case ScenarioKind::kJoinStorm:
      parameters["joins_per_second"] = scenario.joinsPerSecond;
      parameters["storm_s"] = scenario.stormDuration.count();
      parameters["rooms"] = scenario.stormRooms;
      break;
  }
  return parameters;
}

}  // namespace

std::string RunReport::json(const RunResult& result) {
  const Scenario& scenario = result.scenario;
  json::array steps;
  for (const StepResult& step : result.steps) {
    const auto limitShare =
        scenario.singleCoreLimit
            ? std::optional<double>(step.packetsPerCpuSecond() / *scenario.singleCoreLimit)
            : std::nullopt;
    steps.push_back(
        json::object{{"load", step.load},
                     {"participants", step.participants},
                     {"seconds", step.seconds},
                     {"packets_forwarded", step.packetsReceived},
                     {"server_packets_forwarded", optionalNumber(step.serverForwarded)},
                     {"packets_per_second", step.packetsPerSecond()},
                     {"bits_per_second", step.bitsPerSecond()},
                     {"server_cpu_seconds", step.serverCpuSeconds},
                     {"server_cpu_share", cpuShare(step, step.serverCpuSeconds)},
                     {"harness_cpu_share", cpuShare(step, step.harnessCpuSeconds)},
                     {"packets_per_cpu_second", step.packetsPerCpuSecond()},
                     {"share_of_single_core_limit", optionalNumber(limitShare)},
                     {"server_rss_bytes", step.serverRssBytes},
                     {"lost", step.lost},
                     {"loss_ratio", step.lossRatio()},
                     {"duplicates", step.duplicates},
                     {"reordered", step.reordered},
                     {"delay_us", json::object{{"p50", step.p50Us},
                                               {"p90", step.p90Us},
                                               {"p99", step.p99Us},
                                               {"max", step.maxUs},
                                               {"samples", step.delaySamples}}},
                     {"jitter_us", step.jitterUs},
                     {"join_to_first_media", json::object{{"joined", step.joins.joined},
                                                          {"failed", step.joins.failed},
                                                          {"p50_ms", step.joins.p50Ms},
                                                          {"p99_ms", step.joins.p99Ms},
                                                          {"max_ms", step.joins.maxMs}}},
                     {"flowing", step.flowing},
                     {"silent", step.silent},
                     {"held", step.held}});
  }
  const Accounting& a = result.accounting;
  json::object document{
      {"schema", "chorus-bench/2"},
      {"scenario", scenarioName(scenario.kind)},
      {"preset", scenario.preset},
      {"parameters", parameters(scenario)},
      {"server", json::object{{"name", result.server},
                              {"workers", result.serverWorkers},
                              {"pinning", result.pinning}}},
      {"single_core_limit_pps", optionalNumber(scenario.singleCoreLimit)},
      {"join", json::object{{"failed", result.failedJoins},
                            {"p50_ms", result.joinP50Ms},
                            {"p99_ms", result.joinP99Ms},
                            {"max_ms", result.joinMaxMs}}},
      {"steps", steps},
      {"accounting", json::object{{"expected_streams", a.expectedStreams},
                                  {"received_streams", a.receivedStreams},
                                  {"sent_after_start", a.sentAfterStart},
                                  {"received_unique", a.receivedUnique},
                                  {"unaccounted", a.unaccounted},
                                  {"lost", a.lost},
                                  {"duplicates", a.duplicates},
                                  {"verified", a.verified},
                                  {"probe_mismatches", a.probeMismatches},
                                  {"unknown_ssrc", a.unknownSsrc},
                                  {"keyframe_requests", a.keyframeRequests},
                                  {"send_failures", a.sendFailures},
                                  {"harness_received", a.harnessReceived},
                                  {"server_forwarded", optionalNumber(a.serverForwarded)},
                                  {"agreed", result.agreed()}}}};
  if (scenario.kind == ScenarioKind::kRamp) {
    document["capacity"] = json::object{{"reached", result.capacityReached},
                                        {"step", result.capacityStep},
                                        {"participants", result.capacityParticipants}};
  }
  return json::serialize(document) + "\n";
}

std::string RunReport::markdown(const RunResult& result) {
  std::string text =
      "| step | load | participants | pkt/s fwd | server fwd/s | Mbit/s fwd | server CPU | "
      "harness CPU | pkt per CPU-s | p50 ms | p90 ms | p99 ms | max ms | loss | dup | reorder | "
      "RSS MiB | first media p50/p99 ms | joins failed | held |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  int index = 0;
  for (const StepResult& step : result.steps) {
    const std::array<std::string, 20> cells{
        std::to_string(++index),
        std::to_string(step.load),
        std::to_string(step.participants),
        fixed(step.packetsPerSecond(), 0),
        step.serverForwarded ? fixed(*step.serverForwarded / step.seconds, 0) : "-",
        fixed(step.bitsPerSecond() / 1e6, 2),
        fixed(cpuShare(step, step.serverCpuSeconds) * 100, 1) + "%",
        fixed(cpuShare(step, step.harnessCpuSeconds) * 100, 1) + "%",
        fixed(step.packetsPerCpuSecond(), 0),
        fixed(step.p50Us / 1000, 3),
        fixed(step.p90Us / 1000, 3),
        fixed(step.p99Us / 1000, 3),
        fixed(step.maxUs / 1000, 3),
        fixed(step.lossRatio() * 100, 3) + "%",
        std::to_string(step.duplicates),
        std::to_string(step.reordered),
        fixed(static_cast<double>(step.serverRssBytes) / (1 << 20), 1),
        fixed(step.joins.p50Ms, 1) + " / " + fixed(step.joins.p99Ms, 1),
        std::to_string(step.joins.failed),
        step.held ? "yes" : "no"};
    text += "|";
    for (const auto& cell : cells) {
      text += " " + cell + " |";
    }
    text += "\n";
  }
  return text;
}

std::string RunReport::plotData(const RunResult& result) {
  std::string text =
      "# step load participants pkt_per_s server_cpu_pct harness_cpu_pct pkt_per_cpu_s p50_ms "
      "p90_ms p99_ms max_ms loss_pct\n";
  int index = 0;
  for (const StepResult& step : result.steps) {
    const std::array<std::string, 12> cells{std::to_string(++index),
                                            std::to_string(step.load),
                                            std::to_string(step.participants),
                                            fixed(step.packetsPerSecond(), 0),
                                            fixed(cpuShare(step, step.serverCpuSeconds) * 100, 2),
                                            fixed(cpuShare(step, step.harnessCpuSeconds) * 100, 2),
                                            fixed(step.packetsPerCpuSecond(), 0),
                                            fixed(step.p50Us / 1000, 4),
                                            fixed(step.p90Us / 1000, 4),
                                            fixed(step.p99Us / 1000, 4),
                                            fixed(step.maxUs / 1000, 4),
                                            fixed(step.lossRatio() * 100, 4)};
    for (const auto& cell : cells) {
      text += cell + " ";
    }
    text.back() = '\n';
  }
  return text;
}

std::string RunReport::summary(const RunResult& result) {
  const Scenario& scenario = result.scenario;
  const Accounting& a = result.accounting;
  std::string text =
      "summary: " + std::string(scenarioName(scenario.kind)) + " " + scenario.preset + " on " +
      result.server + " (" + std::to_string(result.serverWorkers) + " worker(s), harness " +
      std::to_string(scenario.threads) + " thread(s), pinning: " + result.pinning + "); ";
  if (scenario.kind == ScenarioKind::kRamp && !result.steps.empty()) {
    text += result.capacityStep == 0
                ? "capacity: below the first step; "
                : "capacity: " + std::string(result.capacityReached ? "" : "at least ") +
                      std::to_string(result.capacityParticipants) + " participants (step " +
                      std::to_string(result.capacityStep) + ", load " +
                      std::to_string(result.steps[result.capacityStep - 1].load) + "); ";
  }
  if (scenario.kind == ScenarioKind::kJoinStorm && !result.steps.empty()) {
    const JoinStats& joins = result.steps.front().joins;
    text += "join to first media p50 " + fixed(joins.p50Ms, 1) + " ms, p99 " +
            fixed(joins.p99Ms, 1) + " ms, max " + fixed(joins.maxMs, 1) + " ms, failed " +
            std::to_string(joins.failed) + " of " + std::to_string(joins.failed + joins.joined) +
            "; ";
  }
  text += "joins failed " + std::to_string(result.failedJoins) + "; streams " +
          std::to_string(a.receivedStreams) + "/" + std::to_string(a.expectedStreams) +
          "; sent after start " + std::to_string(a.sentAfterStart) + ", received " +
          std::to_string(a.receivedUnique) + ", unaccounted " + std::to_string(a.unaccounted) +
          ", lost " + std::to_string(a.lost) + ", duplicates " + std::to_string(a.duplicates) +
          "; " + std::to_string(a.verified) + " packets decrypted and verified, " +
          std::to_string(a.probeMismatches) + " mismatches; harness received " +
          std::to_string(a.harnessReceived) + " RTP packets, server counted " +
          (a.serverForwarded ? fixed(*a.serverForwarded, 0) : std::string("(no /metrics)")) +
          " forwarded; " +
          (result.agreed() ? "harness and server agree" : "HARNESS AND SERVER DISAGREE");
  return text;
}

}  // namespace chorus::bench
