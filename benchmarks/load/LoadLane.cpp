#include "benchmarks/load/LoadLane.h"

#include <algorithm>
#include <pthread.h>
#include <sched.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "benchmarks/load/ServerProcess.h"

namespace chorus::bench {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr auto kTick = 2ms;
// Receive slots every socket keeps posted, plus its send batch, plus headroom; two sockets per
// participant.
constexpr std::size_t kSlotsPerParticipant = 2 * (2 * server::UdpEndpoint::kBatch + 8);
constexpr std::size_t kSpareSlots = 1024;

std::uint64_t received(const SimulatedParticipant& participant) {
  std::uint64_t sum = 0;
  for (const StreamReception& stream : participant.reception().streams()) {
    sum += stream.received;
  }
  return sum;
}

}  // namespace

LaneTotals& LaneTotals::operator+=(const LaneTotals& other) {
  packets += other.packets;
  bytes += other.bytes;
  lost += other.lost;
  duplicates += other.duplicates;
  reordered += other.reordered;
  jitterNsSum += other.jitterNsSum;
  streams += other.streams;
  return *this;
}

LoadLane::LoadLane(unsigned index, std::size_t maxParticipants,
                   const media::DtlsCertificate& certificate)
    : index_(index),
      io_(1),
      pool_(std::make_unique<media::PacketPool>(maxParticipants * kSlotsPerParticipant +
                                                kSpareSlots)),
      context_{io_, *pool_, counters_, certificate} {}

LoadLane::~LoadLane() {
  stop();
  participants_.clear();
}

void LoadLane::start(std::function<void(std::exception_ptr)> onFailure) {
  work_.emplace(io_.get_executor());
  thread_ = std::thread([this, onFailure = std::move(onFailure)] {
    try {
      io_.run();
    } catch (...) {
      onFailure(std::current_exception());
    }
  });
}

bool LoadLane::pinTo(int cpu) {
  if (!thread_.joinable()) {
    return pinToCpu(0, cpu);
  }
  if (cpu < 0 || cpu >= static_cast<int>(std::thread::hardware_concurrency())) {
    return false;
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return ::pthread_setaffinity_np(thread_.native_handle(), sizeof(set), &set) == 0;
}

void LoadLane::stop() {
  if (!thread_.joinable()) {
    return;
  }
  work_.reset();
  io_.stop();
  thread_.join();
}

void LoadLane::startTick() {
  asio::co_spawn(io_, tick(), asio::detached);
}

asio::awaitable<void> LoadLane::tick() {
  asio::steady_timer timer(io_);
  while (ticking_) {
    timer.expires_after(kTick);
    co_await timer.async_wait(asio::use_awaitable);
    const auto now = Clock::now();
    for (auto& participant : participants_) {
      participant->onTick(now);
    }
  }
}

void LoadLane::add(ParticipantConfig config, unsigned expectedStreams,
                   std::unique_ptr<SignalingBackend> signaling) {
  participants_.push_back(std::make_unique<SimulatedParticipant>(
      context_, delays_, std::move(signaling), std::move(config)));
  expectedStreams_.push_back(expectedStreams);
  asio::co_spawn(io_, participants_.back()->run(), asio::detached);
}

void LoadLane::stopMedia() {
  for (auto& participant : participants_) {
    participant->stopMedia();
  }
}

void LoadLane::close() {
  for (auto& participant : participants_) {
    participant->close();
  }
  ticking_ = false;
}

bool LoadLane::flowing(std::size_t from) const {
  for (std::size_t i = 0; i < participants_.size(); ++i) {
    const SimulatedParticipant& participant = *participants_[i];
    if (participant.config().index < from) {
      continue;
    }
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

LaneTotals LoadLane::totals() const {
  LaneTotals sum;
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

std::vector<std::uint64_t> LoadLane::receivedByParticipant() const {
  std::vector<std::uint64_t> counts;
  counts.reserve(participants_.size());
  for (const auto& participant : participants_) {
    counts.push_back(received(*participant));
  }
  return counts;
}

unsigned LoadLane::silentSince(const std::vector<std::uint64_t>& receivedAtMark) const {
  unsigned silent = 0;
  for (std::size_t i = 0; i < receivedAtMark.size(); ++i) {
    if (expectedStreams_[i] != 0 && received(*participants_[i]) == receivedAtMark[i]) {
      ++silent;
    }
  }
  return silent;
}

LaneJoins LoadLane::joins(std::size_t from) const {
  LaneJoins joins;
  for (std::size_t i = 0; i < participants_.size(); ++i) {
    const SimulatedParticipant& participant = *participants_[i];
    if (participant.config().index < from || expectedStreams_[i] == 0) {
      continue;
    }
    const auto time = participant.firstMediaTime();
    if (participant.failure() || !time) {
      ++joins.failed;
      continue;
    }
    joins.firstMediaMs.push_back(std::chrono::duration<double, std::milli>(*time).count());
  }
  return joins;
}

std::vector<PublisherSent> LoadLane::sent() const {
  std::vector<PublisherSent> sent;
  for (const auto& participant : participants_) {
    PublisherSent publisher;
    publisher.index = participant->config().index;
    if (participant->audio() != nullptr && participant->video() != nullptr) {
      publisher.sources = true;
      publisher.audio = participant->audio()->packetsSent();
      publisher.video = participant->video()->packetsSent();
    }
    sent.push_back(publisher);
  }
  return sent;
}

LaneAccounting LoadLane::account(const std::vector<PublisherSent>& sentByIndex) const {
  LaneAccounting lane;
  Accounting& sum = lane.accounting;
  for (std::size_t i = 0; i < participants_.size(); ++i) {
    const SimulatedParticipant& participant = *participants_[i];
    sum.expectedStreams += expectedStreams_[i];
    if (participant.failure()) {
      ++lane.failedJoins;
      lane.failures.push_back(participant.config().user + ": " + *participant.failure());
    }
    if (const auto time = participant.joinTime()) {
      lane.joinMs.push_back(std::chrono::duration<double, std::milli>(*time).count());
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
      if (!stream.sender) {
        continue;
      }
      if (*stream.sender >= sentByIndex.size() || !sentByIndex[*stream.sender].sources) {
        // The probe names a participant with nothing sent (or none at all, or one whose count
        // never reached this lane): as wrong as a probe disagreeing with its header.
        ++sum.probeMismatches;
        continue;
      }
      const PublisherSent& publisher = sentByIndex[*stream.sender];
      const std::uint64_t afterStart =
          (stream.video ? publisher.video : publisher.audio) - *stream.firstProbeSequence;
      sum.sentAfterStart += afterStart;
      sum.unaccounted += afterStart > stream.unique() ? afterStart - stream.unique() : 0;
    }
  }
  return lane;
}

}  // namespace chorus::bench
