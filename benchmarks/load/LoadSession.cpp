#include "benchmarks/load/LoadSession.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace chorus::bench {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr auto kDrain = 1s;
constexpr auto kCloseGrace = 200ms;
constexpr auto kFlowingPoll = 100ms;

double percentile(std::vector<double>& sorted, double fraction) {
  return sorted[static_cast<std::size_t>(fraction * static_cast<double>(sorted.size() - 1))];
}

// What a lane contributes to a step.
struct LaneStep {
  LaneTotals totals;
  DelayHistogram delays;
  unsigned silent = 0;
};

Accounting& operator+=(Accounting& sum, const Accounting& lane) {
  sum.expectedStreams += lane.expectedStreams;
  sum.receivedStreams += lane.receivedStreams;
  sum.sentAfterStart += lane.sentAfterStart;
  sum.receivedUnique += lane.receivedUnique;
  sum.unaccounted += lane.unaccounted;
  sum.duplicates += lane.duplicates;
  sum.lost += lane.lost;
  sum.verified += lane.verified;
  sum.probeMismatches += lane.probeMismatches;
  sum.unknownSsrc += lane.unknownSsrc;
  sum.keyframeRequests += lane.keyframeRequests;
  sum.sendFailures += lane.sendFailures;
  sum.harnessReceived += lane.harnessReceived;
  return sum;
}

}  // namespace

LoadSession::LoadSession(unsigned lanes, std::size_t maxParticipants, pid_t serverPid,
                         const asio::ip::tcp::endpoint& http, SignalingFactory signaling)
    : certificate_(
          media::DtlsCertificate::generate(std::chrono::system_clock::now(), "chorus-bench")),
      serverPid_(serverPid),
      signaling_(std::move(signaling)) {
  if (!certificate_) {
    throw std::runtime_error("cannot generate the clients' DTLS certificate");
  }
  if (lanes == 0) {
    throw std::invalid_argument("the harness needs at least one lane");
  }
  const std::size_t perLane = (maxParticipants + lanes - 1) / lanes;
  for (unsigned index = 0; index < lanes; ++index) {
    lanes_.push_back(std::make_unique<LoadLane>(index, perLane, *certificate_));
  }
  metrics_.emplace(home().executor(), http);
  for (std::size_t index = 1; index < lanes_.size(); ++index) {
    // A lane whose loop throws ends the run as a throwing scenario does.
    lanes_[index]->start([this](std::exception_ptr error) {
      asio::post(home().io(), [this, error = std::move(error)] {
        failure_ = error;
        home().io().stop();
      });
    });
  }
}

LoadSession::~LoadSession() {
  for (auto& lane : lanes_) {
    lane->stop();
  }
}

bool LoadSession::pinLanes() {
  for (auto& lane : lanes_) {
    if (!lane->pinTo(static_cast<int>(lane->index()))) {
      return false;
    }
  }
  return true;
}

template <typename Function>
asio::awaitable<std::vector<std::invoke_result_t<Function&, LoadLane&>>> LoadSession::onEachLane(
    Function function) {
  using Result = std::invoke_result_t<Function&, LoadLane&>;
  std::vector<Result> results;
  results.reserve(lanes_.size());
  for (auto& lane : lanes_) {
    results.push_back(co_await asio::co_spawn(
        lane->executor(),
        [&lane = *lane, &function]() -> asio::awaitable<Result> { co_return function(lane); },
        asio::use_awaitable));
  }
  co_return results;
}

template <typename Function>
asio::awaitable<void> LoadSession::forEachLane(Function function) {
  for (auto& lane : lanes_) {
    co_await asio::co_spawn(
        lane->executor(),
        [&lane = *lane, &function]() -> asio::awaitable<void> {
          function(lane);
          co_return;
        },
        asio::use_awaitable);
  }
}

void LoadSession::run(std::function<asio::awaitable<void>(LoadSession&)> scenario) {
  for (auto& lane : lanes_) {
    asio::post(lane->io(), [&lane = *lane] { lane.startTick(); });
  }
  asio::co_spawn(
      home().io(),
      [this, &scenario]() -> asio::awaitable<void> {
        co_await scenario(*this);
        co_await forEachLane([](LoadLane& lane) { lane.close(); });
        co_await wait(kCloseGrace);
        home().io().stop();
      },
      // A scenario that throws ends the run (and the ticks with it).
      [this](const std::exception_ptr& error) {
        if (error) {
          failure_ = error;
          home().io().stop();
        }
      });
  home().io().run();
  for (auto& lane : lanes_) {
    lane->stop();
  }
  if (failure_) {
    std::rethrow_exception(failure_);
  }
}

asio::awaitable<void> LoadSession::add(ParticipantConfig config, unsigned expectedStreams) {
  config.index = static_cast<std::uint32_t>(size_);
  LoadLane& lane = *lanes_[size_ % lanes_.size()];
  ++size_;
  co_await asio::co_spawn(
      lane.executor(),
      [this, &lane, config = std::move(config),
       expectedStreams]() mutable -> asio::awaitable<void> {
        lane.add(std::move(config), expectedStreams, signaling_(lane.executor()));
        co_return;
      },
      asio::use_awaitable);
}

asio::awaitable<bool> LoadSession::flowing(std::size_t from) {
  const auto lanes = co_await onEachLane([from](LoadLane& lane) { return lane.flowing(from); });
  co_return std::all_of(lanes.begin(), lanes.end(), [](bool flowing) { return flowing; });
}

asio::awaitable<bool> LoadSession::waitFlowing(std::size_t from, Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!co_await flowing(from) && Clock::now() < deadline) {
    co_await wait(kFlowingPoll);
  }
  co_return co_await flowing(from);
}

asio::awaitable<void> LoadSession::wait(Clock::duration duration) {
  asio::steady_timer timer(home().io(), duration);
  co_await timer.async_wait(asio::use_awaitable);
}

asio::awaitable<LaneTotals> LoadSession::totals() {
  LaneTotals sum;
  for (const LaneTotals& lane : co_await onEachLane([](LoadLane& lane) { return lane.totals(); })) {
    sum += lane;
  }
  co_return sum;
}

asio::awaitable<LoadSession::Mark> LoadSession::mark() {
  Mark mark;
  mark.serverForwarded = co_await metrics_->sample(ServerMetrics::kForwardedPackets);
  const LaneTotals now = co_await totals();
  mark.packets = now.packets;
  mark.bytes = now.bytes;
  mark.lost = now.lost;
  mark.duplicates = now.duplicates;
  mark.reordered = now.reordered;
  mark.receivedBy = co_await onEachLane([](LoadLane& lane) {
    lane.clearDelays();
    return lane.receivedByParticipant();
  });
  mark.server = sampleProcess(serverPid_);
  mark.harness = sampleProcess(::getpid());
  mark.at = Clock::now();
  co_return mark;
}

asio::awaitable<StepResult> LoadSession::measure(const Mark& since, std::size_t joinedFrom,
                                                 bool scrape) {
  StepResult step;
  if (scrape && since.serverForwarded) {
    if (const auto forwarded = co_await metrics_->sample(ServerMetrics::kForwardedPackets)) {
      step.serverForwarded = *forwarded - *since.serverForwarded;
    }
  }
  // The lane reads its own entry of the mark, which nothing writes while the step is measured.
  const auto lanes = co_await onEachLane([&since](LoadLane& lane) {
    return LaneStep{lane.totals(), lane.delays(), lane.silentSince(since.receivedBy[lane.index()])};
  });
  LaneTotals after;
  DelayHistogram delays;
  for (const LaneStep& lane : lanes) {
    after += lane.totals;
    delays.merge(lane.delays);
    step.silent += lane.silent;
  }
  const ProcessSample server = sampleProcess(serverPid_);
  const ProcessSample harness = sampleProcess(::getpid());
  step.participants = static_cast<unsigned>(size_);
  step.seconds = std::chrono::duration<double>(Clock::now() - since.at).count();
  step.packetsReceived = after.packets - since.packets;
  step.bytesReceived = after.bytes - since.bytes;
  step.lost = after.lost - since.lost;
  step.duplicates = after.duplicates - since.duplicates;
  step.reordered = after.reordered - since.reordered;
  step.serverCpuSeconds = std::chrono::duration<double>(server.cpu - since.server.cpu).count();
  step.harnessCpuSeconds = std::chrono::duration<double>(harness.cpu - since.harness.cpu).count();
  step.serverRssBytes = server.rssBytes;
  step.p50Us = delays.percentileUs(0.50);
  step.p90Us = delays.percentileUs(0.90);
  step.p99Us = delays.percentileUs(0.99);
  step.maxUs = delays.maxUs();
  step.delaySamples = delays.count();
  step.jitterUs = after.streams == 0 ? 0 : after.jitterNsSum / after.streams / 1000.0;
  step.joins = co_await joinStats(joinedFrom);
  co_return step;
}

asio::awaitable<StepResult> LoadSession::measureFor(Clock::duration duration,
                                                    const std::string& label, unsigned stepNumber,
                                                    std::size_t joinedFrom) {
  const Mark since = co_await mark();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(duration).count();
  for (std::int64_t second = 1; second < seconds; ++second) {
    co_await wait(since.at + std::chrono::seconds(second) - Clock::now());
    const StepResult partial = co_await measure(since, joinedFrom, false);
    std::printf(
        "%s step %u t=%llds %u participants: %.0f pkt/s, loss %.3f%%, p99 %.2f ms, server cpu "
        "%.0f%%, harness cpu %.0f%%\n",
        label.c_str(), stepNumber, static_cast<long long>(second), partial.participants,
        partial.packetsPerSecond(), partial.lossRatio() * 100, partial.p99Us / 1000,
        partial.serverCpuSeconds / partial.seconds * 100,
        partial.harnessCpuSeconds / partial.seconds * 100);
    (void)std::fflush(stdout);
  }
  co_await wait(since.at + duration - Clock::now());
  co_return co_await measure(since, joinedFrom, true);
}

asio::awaitable<JoinStats> LoadSession::joinStats(std::size_t from) {
  JoinStats stats;
  std::vector<double> times;
  for (const LaneJoins& lane :
       co_await onEachLane([from](LoadLane& lane) { return lane.joins(from); })) {
    stats.failed += lane.failed;
    times.insert(times.end(), lane.firstMediaMs.begin(), lane.firstMediaMs.end());
  }
  std::sort(times.begin(), times.end());
  stats.joined = static_cast<unsigned>(times.size());
  if (!times.empty()) {
    stats.p50Ms = percentile(times, 0.5);
    stats.p99Ms = percentile(times, 0.99);
    stats.maxMs = times.back();
  }
  co_return stats;
}

asio::awaitable<void> LoadSession::finish(RunResult& result) {
  co_await forEachLane([](LoadLane& lane) { lane.stopMedia(); });
  co_await wait(kDrain);
  result.accounting.serverForwarded = co_await metrics_->sample(ServerMetrics::kForwardedPackets);
  // What every publisher sent, by its run-wide index, for the lanes of its subscribers.
  std::vector<PublisherSent> sentByIndex(size_);
  for (const auto& lane : co_await onEachLane([](LoadLane& lane) { return lane.sent(); })) {
    for (const PublisherSent& publisher : lane) {
      sentByIndex[publisher.index] = publisher;
    }
  }
  std::vector<double> joins;
  for (const LaneAccounting& lane :
       co_await onEachLane([&sentByIndex](LoadLane& lane) { return lane.account(sentByIndex); })) {
    result.accounting += lane.accounting;
    result.failedJoins += lane.failedJoins;
    result.failures.insert(result.failures.end(), lane.failures.begin(), lane.failures.end());
    joins.insert(joins.end(), lane.joinMs.begin(), lane.joinMs.end());
  }
  std::sort(joins.begin(), joins.end());
  if (!joins.empty()) {
    result.joinP50Ms = percentile(joins, 0.5);
    result.joinP99Ms = percentile(joins, 0.99);
    result.joinMaxMs = joins.back();
  }
}

}  // namespace chorus::bench
