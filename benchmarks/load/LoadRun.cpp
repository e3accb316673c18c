#include "benchmarks/load/LoadRun.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "benchmarks/load/ChorusSignaling.h"
#include "benchmarks/load/JanusSignaling.h"
#include "benchmarks/load/ServerProcess.h"
#include "benchmarks/load/SimulatedParticipant.h"
#include "media/security/DtlsCertificate.h"
#include "signaling/auth/DevApplication.h"

namespace chorus::bench {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kTick = 2ms;
constexpr auto kJoinSpacing = 10ms;
constexpr auto kFlowingTimeout = 30s;
constexpr auto kDrain = 1s;
// Receive slots every socket keeps posted, plus its send batch, plus headroom.
constexpr std::size_t kSlotsPerTransport = 2 * server::UdpEndpoint::kBatch + 8;

using Participants = std::vector<std::unique_ptr<SimulatedParticipant>>;

asio::awaitable<void> waitFor(Clock::duration duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::use_awaitable);
}

// Totals over every subscriber's streams since the start.
struct Totals {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t lost = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t reordered = 0;
  double jitterNsSum = 0;
  unsigned streams = 0;
};

Totals totals(const Participants& participants) {
  Totals sum;
  for (const auto& participant : participants) {
    for (const StreamReception& stream : participant->reception().streams()) {
      sum.packets += stream.received;
      sum.bytes += stream.bytes;
      sum.lost += stream.lost();
      sum.duplicates += stream.duplicates;
      sum.reordered += stream.reordered;
      sum.jitterNsSum += stream.jitterNs;
      ++sum.streams;
    }
  }
  return sum;
}

bool everyoneReceivesEveryone(const Participants& participants, unsigned perRoom) {
  const std::size_t expected = std::size_t{2} * (perRoom - 1);
  return std::all_of(participants.begin(), participants.end(), [&](const auto& participant) {
    const auto& streams = participant->reception().streams();
    return participant->publishing() && streams.size() == expected &&
           std::all_of(streams.begin(), streams.end(),
                       [](const StreamReception& stream) { return stream.received > 0; });
  });
}

StepResult measureStep(const Totals& before, const Totals& after, const ProcessSample& cpuBefore,
                       const ProcessSample& cpuAfter, Clock::duration elapsed,
                       const DelayHistogram& delays, unsigned participants) {
  StepResult step;
  step.participants = participants;
  step.seconds = std::chrono::duration<double>(elapsed).count();
  step.packetsReceived = after.packets - before.packets;
  step.bytesReceived = after.bytes - before.bytes;
  step.lost = after.lost - before.lost;
  step.duplicates = after.duplicates - before.duplicates;
  step.reordered = after.reordered - before.reordered;
  step.serverCpuSeconds = std::chrono::duration<double>(cpuAfter.cpu - cpuBefore.cpu).count();
  step.serverRssBytes = cpuAfter.rssBytes;
  step.p50Us = delays.percentileUs(0.50);
  step.p90Us = delays.percentileUs(0.90);
  step.p99Us = delays.percentileUs(0.99);
  step.maxUs = delays.maxUs();
  step.delaySamples = delays.count();
  step.jitterUs = after.streams == 0 ? 0 : after.jitterNsSum / after.streams / 1000.0;
  return step;
}

void account(const Participants& participants, unsigned perRoom, RunResult& result) {
  Accounting& sum = result.accounting;
  sum.expectedStreams = static_cast<unsigned>(participants.size()) * 2 * (perRoom - 1);
  for (const auto& participant : participants) {
    if (participant->failure()) {
      ++result.failedJoins;
      result.failures.push_back(participant->config().user + ": " + *participant->failure());
    }
    sum.keyframeRequests += participant->keyframeRequests();
    sum.sendFailures += participant->sendFailures();
    sum.unknownSsrc += participant->reception().unknownSsrc();
    for (const StreamReception& stream : participant->reception().streams()) {
      sum.receivedStreams += stream.received > 0 ? 1 : 0;
      sum.duplicates += stream.duplicates;
      sum.lost += stream.lost();
      sum.verified += stream.verified;
      sum.probeMismatches += stream.mismatches;
      sum.receivedUnique += stream.unique();
      if (!stream.sender || *stream.sender >= participants.size()) {
        continue;
      }
      const SimulatedParticipant& publisher = *participants[*stream.sender];
      const std::uint64_t sent =
          stream.video ? publisher.video()->packetsSent() : publisher.audio()->packetsSent();
      const std::uint64_t afterStart = sent - *stream.firstProbeSequence;
      sum.sentAfterStart += afterStart;
      sum.unaccounted += afterStart > stream.unique() ? afterStart - stream.unique() : 0;
    }
  }
  std::vector<double> joins;
  for (const auto& participant : participants) {
    if (const auto time = participant->joinTime()) {
      joins.push_back(std::chrono::duration<double, std::milli>(*time).count());
    }
  }
  std::sort(joins.begin(), joins.end());
  if (!joins.empty()) {
    const auto at = [&](double fraction) {
      return joins[static_cast<std::size_t>(fraction * static_cast<double>(joins.size() - 1))];
    };
    result.joinP50Ms = at(0.5);
    result.joinP99Ms = at(0.99);
    result.joinMaxMs = joins.back();
  }
}

std::unique_ptr<SignalingBackend> signalingFor(ServerKind kind, asio::io_context& io,
                                               const ChorusEndpoint& endpoint) {
  if (kind == ServerKind::kJanus) {
    return std::make_unique<JanusSignaling>(io.get_executor(), endpoint.http);
  }
  return std::make_unique<ChorusSignaling>(io.get_executor(), endpoint);
}

}  // namespace

bool RunResult::agreed() const {
  return failedJoins == 0 && accounting.receivedStreams == accounting.expectedStreams &&
         accounting.unaccounted == 0 && accounting.duplicates == 0 && accounting.lost == 0 &&
         accounting.probeMismatches == 0 && accounting.unknownSsrc == 0 && accounting.verified > 0;
}

RunResult runRooms(const RoomsScenario& scenario, const ServerTarget& target) {
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
  result.pinning = "none";
  if (target.pin && std::thread::hardware_concurrency() >= 2 && pinToCpu(0, 0) &&
      pinToCpu(pid, 1)) {
    result.pinning = "harness cpu 0, server cpu 1";
  }

  const unsigned count = scenario.rooms * scenario.participantsPerRoom;
  asio::io_context io(1);
  media::PacketPool pool(std::size_t{count} * 2 * kSlotsPerTransport + 1024);
  media::PacketCounters counters;
  const auto certificate =
      media::DtlsCertificate::generate(std::chrono::system_clock::now(), "chorus-bench");
  const TransportContext context{io, pool, counters, *certificate};
  DelayHistogram delays;
  Participants participants;
  const ChorusEndpoint endpoint{asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), port),
                                std::string(signaling::kDevApplicationKey),
                                std::string(signaling::kDevApplicationSecret)};
  for (unsigned room = 0; room < scenario.rooms; ++room) {
    for (unsigned member = 0; member < scenario.participantsPerRoom; ++member) {
      ParticipantConfig config;
      config.room = "bench-" + std::to_string(room);
      config.user = "r" + std::to_string(room) + "p" + std::to_string(member);
      config.index = static_cast<std::uint32_t>(participants.size());
      config.audio = scenario.audio;
      config.video = scenario.video;
      config.verifyEvery = scenario.verifyEvery;
      config.delaySource = scenario.delaySource;
      participants.push_back(std::make_unique<SimulatedParticipant>(
          context, delays, signalingFor(target.kind, io, endpoint), std::move(config)));
    }
  }

  bool ticking = true;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer timer(io);
        while (ticking) {
          timer.expires_after(kTick);
          co_await timer.async_wait(asio::use_awaitable);
          for (auto& participant : participants) {
            participant->onTick(Clock::now());
          }
        }
      },
      asio::detached);

  const auto label = "[rooms " + scenario.preset + " " + result.server + "]";
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (auto& participant : participants) {
          asio::co_spawn(io, participant->run(), asio::detached);
          co_await waitFor(kJoinSpacing);
        }
        const auto deadline = Clock::now() + kFlowingTimeout;
        while (!everyoneReceivesEveryone(participants, scenario.participantsPerRoom) &&
               Clock::now() < deadline) {
          co_await waitFor(100ms);
        }
        const bool flowing = everyoneReceivesEveryone(participants, scenario.participantsPerRoom);
        std::printf(
            "%s %u participants: %s; settling %llds\n", label.c_str(), count,
            flowing ? "joined, every stream flowing" : "NOT every stream flowing after 30 s",
            static_cast<long long>(scenario.settle.count()));
        co_await waitFor(scenario.settle);

        const Totals before = totals(participants);
        const ProcessSample cpuBefore = sampleProcess(pid);
        const auto started = Clock::now();
        delays.clear();
        for (std::int64_t second = 1; second <= scenario.measure.count(); ++second) {
          co_await waitFor(started + std::chrono::seconds(second) - Clock::now());
          const auto partial =
              measureStep(before, totals(participants), cpuBefore, sampleProcess(pid),
                          Clock::now() - started, delays, count);
          std::printf(
              "%s step 1 t=%llds load=%u participants: %.0f pkt/s, loss %.3f%%, p99 "
              "%.0f us, server cpu %.0f%%\n",
              label.c_str(), static_cast<long long>(second), count, partial.packetsPerSecond(),
              partial.lossRatio() * 100, partial.p99Us,
              partial.serverCpuSeconds / partial.seconds * 100);
          std::fflush(stdout);
        }
        result.steps.push_back(measureStep(before, totals(participants), cpuBefore,
                                           sampleProcess(pid), Clock::now() - started, delays,
                                           count));

        for (auto& participant : participants) {
          participant->stopMedia();
        }
        co_await waitFor(kDrain);
        account(participants, scenario.participantsPerRoom, result);
        for (auto& participant : participants) {
          participant->close();
        }
        ticking = false;
        co_await waitFor(200ms);
        io.stop();
      },
      asio::detached);
  io.run();
  participants.clear();
  return result;
}

}  // namespace chorus::bench
