#include "benchmarks/load/LoadSession.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace chorus::bench {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr auto kTick = 2ms;
constexpr auto kDrain = 1s;
// Receive slots every socket keeps posted, plus its send batch, plus headroom; two sockets per
// participant.
constexpr std::size_t kSlotsPerParticipant = 2 * (2 * server::UdpEndpoint::kBatch + 8);

double percentile(std::vector<double>& sorted, double fraction) {
  return sorted[static_cast<std::size_t>(fraction * static_cast<double>(sorted.size() - 1))];
}

std::uint64_t received(const SimulatedParticipant& participant) {
  std::uint64_t sum = 0;
  for (const StreamReception& stream : participant.reception().streams()) {
    sum += stream.received;
  }
  return sum;
}

}  // namespace

// Totals over every subscriber's streams since the start.
struct LoadSession::Totals {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t lost = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t reordered = 0;
  double jitterNsSum = 0;
  unsigned streams = 0;
};

LoadSession::LoadSession(std::size_t maxParticipants, pid_t serverPid,
                         const asio::ip::tcp::endpoint& http, SignalingFactory signaling)
    : io_(std::make_unique<asio::io_context>(1)),
      pool_(std::make_unique<media::PacketPool>(maxParticipants * kSlotsPerParticipant + 1024)),
      certificate_(
          media::DtlsCertificate::generate(std::chrono::system_clock::now(), "chorus-bench")),
      serverPid_(serverPid),
      metrics_(io_->get_executor(), http),
      signaling_(std::move(signaling)) {
  if (!certificate_) {
    throw std::runtime_error("cannot generate the clients' DTLS certificate");
  }
  context_ =
      std::make_unique<TransportContext>(TransportContext{*io_, *pool_, counters_, *certificate_});
}

LoadSession::~LoadSession() {
  participants_.clear();
}

void LoadSession::run(std::function<asio::awaitable<void>(LoadSession&)> scenario) {
  asio::co_spawn(
      *io_,
      [this]() -> asio::awaitable<void> {
        asio::steady_timer timer(*io_);
        while (ticking_) {
          timer.expires_after(kTick);
          co_await timer.async_wait(asio::use_awaitable);
          const auto now = Clock::now();
          for (auto& participant : participants_) {
            participant->onTick(now);
          }
        }
      },
      asio::detached);
  std::exception_ptr failure;
  asio::co_spawn(
      *io_,
      [this, &scenario]() -> asio::awaitable<void> {
        co_await scenario(*this);
        for (auto& participant : participants_) {
          participant->close();
        }
        ticking_ = false;
        co_await wait(200ms);
        io_->stop();
      },
      // A scenario that throws ends the run (and the tick with it).
      [this, &failure](const std::exception_ptr& error) {
        if (error) {
          failure = error;
          io_->stop();
        }
      });
  io_->run();
  if (failure) {
    std::rethrow_exception(failure);
  }
}

SimulatedParticipant& LoadSession::add(ParticipantConfig config, unsigned expectedStreams) {
  config.index = static_cast<std::uint32_t>(participants_.size());
  participants_.push_back(std::make_unique<SimulatedParticipant>(
      *context_, delays_, signaling_(io_->get_executor()), std::move(config)));
  expectedStreams_.push_back(expectedStreams);
  asio::co_spawn(*io_, participants_.back()->run(), asio::detached);
  return *participants_.back();
}

bool LoadSession::flowing(std::size_t from) const {
  for (std::size_t i = from; i < participants_.size(); ++i) {
    const SimulatedParticipant& participant = *participants_[i];
    const auto& streams = participant.reception().streams();
    const bool receiving =
        std::count_if(streams.begin(), streams.end(), [](const StreamReception& stream) {
          return stream.received > 0;
        }) == static_cast<std::ptrdiff_t>(expectedStreams_[i]);
    if ((participant.config().publish && !participant.publishing()) || !receiving) {
      return false;
    }
  }
  return true;
}

asio::awaitable<bool> LoadSession::waitFlowing(std::size_t from, Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!flowing(from) && Clock::now() < deadline) {
    co_await wait(100ms);
  }
  co_return flowing(from);
}

asio::awaitable<void> LoadSession::wait(Clock::duration duration) {
  asio::steady_timer timer(*io_, duration);
  co_await timer.async_wait(asio::use_awaitable);
}

LoadSession::Totals LoadSession::totals() const {
  Totals sum;
  for (const auto& participant : participants_) {
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

asio::awaitable<LoadSession::Mark> LoadSession::mark() {
  Mark mark;
  mark.serverForwarded = co_await metrics_.sample(ServerMetrics::kForwardedPackets);
  const Totals now = totals();
  mark.packets = now.packets;
  mark.bytes = now.bytes;
  mark.lost = now.lost;
  mark.duplicates = now.duplicates;
  mark.reordered = now.reordered;
  for (const auto& participant : participants_) {
    mark.receivedBy.push_back(received(*participant));
  }
  mark.server = sampleProcess(serverPid_);
  mark.harness = sampleProcess(::getpid());
  mark.at = Clock::now();
  delays_.clear();
  co_return mark;
}

asio::awaitable<StepResult> LoadSession::measure(const Mark& since, std::size_t joinedFrom,
                                                 bool scrape) {
  StepResult step;
  if (scrape && since.serverForwarded) {
    if (const auto forwarded = co_await metrics_.sample(ServerMetrics::kForwardedPackets)) {
      step.serverForwarded = *forwarded - *since.serverForwarded;
    }
  }
  const Totals after = totals();
  const ProcessSample server = sampleProcess(serverPid_);
  const ProcessSample harness = sampleProcess(::getpid());
  step.participants = static_cast<unsigned>(participants_.size());
  step.seconds = std::chrono::duration<double>(Clock::now() - since.at).count();
  step.packetsReceived = after.packets - since.packets;
  step.bytesReceived = after.bytes - since.bytes;
  step.lost = after.lost - since.lost;
  step.duplicates = after.duplicates - since.duplicates;
  step.reordered = after.reordered - since.reordered;
  step.serverCpuSeconds = std::chrono::duration<double>(server.cpu - since.server.cpu).count();
  step.harnessCpuSeconds = std::chrono::duration<double>(harness.cpu - since.harness.cpu).count();
  step.serverRssBytes = server.rssBytes;
  step.p50Us = delays_.percentileUs(0.50);
  step.p90Us = delays_.percentileUs(0.90);
  step.p99Us = delays_.percentileUs(0.99);
  step.maxUs = delays_.maxUs();
  step.delaySamples = delays_.count();
  step.jitterUs = after.streams == 0 ? 0 : after.jitterNsSum / after.streams / 1000.0;
  step.joins = joinStats(joinedFrom);
  for (std::size_t i = 0; i < since.receivedBy.size(); ++i) {
    if (expectedStreams_[i] != 0 && received(*participants_[i]) == since.receivedBy[i]) {
      ++step.silent;
    }
  }
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

JoinStats LoadSession::joinStats(std::size_t from) const {
  JoinStats stats;
  std::vector<double> times;
  for (std::size_t i = from; i < participants_.size(); ++i) {
    if (expectedStreams_[i] == 0) {
      continue;
    }
    const auto time = participants_[i]->firstMediaTime();
    if (participants_[i]->failure() || !time) {
      ++stats.failed;
      continue;
    }
    times.push_back(std::chrono::duration<double, std::milli>(*time).count());
  }
  std::sort(times.begin(), times.end());
  stats.joined = static_cast<unsigned>(times.size());
  if (!times.empty()) {
    stats.p50Ms = percentile(times, 0.5);
    stats.p99Ms = percentile(times, 0.99);
    stats.maxMs = times.back();
  }
  return stats;
}

asio::awaitable<void> LoadSession::finish(RunResult& result) {
  for (auto& participant : participants_) {
    participant->stopMedia();
  }
  co_await wait(kDrain);
  Accounting& sum = result.accounting;
  sum.serverForwarded = co_await metrics_.sample(ServerMetrics::kForwardedPackets);
  for (std::size_t i = 0; i < participants_.size(); ++i) {
    const SimulatedParticipant& participant = *participants_[i];
    sum.expectedStreams += expectedStreams_[i];
    if (participant.failure()) {
      ++result.failedJoins;
      result.failures.push_back(participant.config().user + ": " + *participant.failure());
    }
    sum.keyframeRequests += participant.keyframeRequests();
    sum.sendFailures += participant.sendFailures();
    sum.unknownSsrc += participant.reception().unknownSsrc();
    sum.harnessReceived += participant.reception().unknownSsrc();
    for (const StreamReception& stream : participant.reception().streams()) {
      sum.receivedStreams += stream.received > 0 ? 1 : 0;
      sum.harnessReceived += stream.received;
      sum.duplicates += stream.duplicates;
      sum.lost += stream.lost();
      sum.verified += stream.verified;
      sum.probeMismatches += stream.mismatches;
      sum.receivedUnique += stream.unique();
      if (!stream.sender || *stream.sender >= participants_.size()) {
        continue;
      }
      const SimulatedParticipant& publisher = *participants_[*stream.sender];
      if (publisher.video() == nullptr || publisher.audio() == nullptr) {
        continue;
      }
      const std::uint64_t sent =
          stream.video ? publisher.video()->packetsSent() : publisher.audio()->packetsSent();
      const std::uint64_t afterStart = sent - *stream.firstProbeSequence;
      sum.sentAfterStart += afterStart;
      sum.unaccounted += afterStart > stream.unique() ? afterStart - stream.unique() : 0;
    }
  }
  std::vector<double> joins;
  for (const auto& participant : participants_) {
    if (const auto time = participant->joinTime()) {
      joins.push_back(std::chrono::duration<double, std::milli>(*time).count());
    }
  }
  std::sort(joins.begin(), joins.end());
  if (!joins.empty()) {
    result.joinP50Ms = percentile(joins, 0.5);
    result.joinP99Ms = percentile(joins, 0.99);
    result.joinMaxMs = joins.back();
  }
}

}  // namespace chorus::bench
