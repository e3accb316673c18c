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
  std::snprintf(text.data(), text.size(), "%.*f", decimals, value);
  return text.data();
}

}  // namespace

std::string RunReport::json(const RunResult& result) {
  const RoomsScenario& scenario = result.scenario;
  json::array steps;
  for (const StepResult& step : result.steps) {
    steps.push_back(json::object{{"participants", step.participants},
                                 {"seconds", step.seconds},
                                 {"packets_forwarded", step.packetsReceived},
                                 {"packets_per_second", step.packetsPerSecond()},
                                 {"bits_per_second", step.bitsPerSecond()},
                                 {"server_cpu_seconds", step.serverCpuSeconds},
                                 {"packets_per_cpu_second", step.packetsPerCpuSecond()},
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
                                 {"jitter_us", step.jitterUs}});
  }
  const Accounting& a = result.accounting;
  const json::object document{
      {"schema", "chorus-bench/1"},
      {"scenario", "rooms"},
      {"preset", scenario.preset},
      {"parameters",
       json::object{{"rooms", scenario.rooms},
                    {"participants_per_room", scenario.participantsPerRoom},
                    {"video_bitrate_bps", scenario.video.bitrateBps},
                    {"keyframe_interval_s", scenario.video.keyframeInterval.count()},
                    {"audio_dtx", scenario.audio.dtx},
                    {"settle_s", scenario.settle.count()},
                    {"measure_s", scenario.measure.count()},
                    {"verify_every", scenario.verifyEvery},
                    {"delay_source",
                     scenario.delaySource == DelaySource::kProbe ? "probe" : "abs-send-time"}}},
      {"server", json::object{{"name", result.server},
                              {"workers", result.serverWorkers},
                              {"pinning", result.pinning}}},
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
                                  {"agreed", result.agreed()}}}};
  return json::serialize(document) + "\n";
}

std::string RunReport::markdown(const RunResult& result) {
  std::string text =
      "| step | participants | pkt/s fwd | Mbit/s fwd | server CPU | pkt per CPU-s | p50 ms | "
      "p90 ms | p99 ms | max ms | loss | dup | reorder | RSS MiB | join p50/p99 ms |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  int index = 0;
  for (const StepResult& step : result.steps) {
    const std::array<std::string, 15> cells{
        std::to_string(++index),
        std::to_string(step.participants),
        fixed(step.packetsPerSecond(), 0),
        fixed(step.bitsPerSecond() / 1e6, 2),
        fixed(step.serverCpuSeconds / step.seconds * 100, 1) + "%",
        fixed(step.packetsPerCpuSecond(), 0),
        fixed(step.p50Us / 1000, 3),
        fixed(step.p90Us / 1000, 3),
        fixed(step.p99Us / 1000, 3),
        fixed(step.maxUs / 1000, 3),
        fixed(step.lossRatio() * 100, 3) + "%",
        std::to_string(step.duplicates),
        std::to_string(step.reordered),
        fixed(static_cast<double>(step.serverRssBytes) / (1 << 20), 1),
        fixed(result.joinP50Ms, 1) + " / " + fixed(result.joinP99Ms, 1)};
    text += "|";
    for (const auto& cell : cells) {
      text += " " + cell + " |";
    }
    text += "\n";
  }
  return text;
}

}  // namespace chorus::bench
