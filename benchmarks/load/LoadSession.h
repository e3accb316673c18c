#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "benchmarks/load/ClientTransport.h"
#include "benchmarks/load/DelayHistogram.h"
#include "benchmarks/load/LoadRun.h"
#include "benchmarks/load/ServerMetrics.h"
#include "benchmarks/load/ServerProcess.h"
#include "benchmarks/load/SignalingBackend.h"
#include "benchmarks/load/SimulatedParticipant.h"
#include "media/security/DtlsCertificate.h"

namespace chorus::bench {

// Makes the control plane of one participant (ChorusSignaling for chorusd).
using SignalingFactory =
    std::function<std::unique_ptr<SignalingBackend>(boost::asio::any_io_executor)>;

// What one run's scenarios share: one io_context on this thread, the participants (added at any
// time, each with the number of streams it should receive), a 2 ms media tick for all of them,
// and the measurement of an interval (the harness's counters, the server's CPU and RSS from
// /proc, its forwarded counter from /metrics). A scenario is a coroutine that adds participants,
// waits for their media, and measures steps.
class LoadSession {
 public:
  using Clock = std::chrono::steady_clock;

  // `maxParticipants` sizes the packet pool: every participant the run will ever add.
  // `http`: the server's HTTP port, for /metrics.
  LoadSession(std::size_t maxParticipants, pid_t serverPid,
              const boost::asio::ip::tcp::endpoint& http, SignalingFactory signaling);
  LoadSession(const LoadSession&) = delete;
  LoadSession& operator=(const LoadSession&) = delete;
  ~LoadSession();

  // Runs `scenario` with the tick going until it returns; then every participant is closed.
  void run(std::function<boost::asio::awaitable<void>(LoadSession&)> scenario);

  // Creates the participant (its index is its position) and starts its signaling.
  SimulatedParticipant& add(ParticipantConfig config, unsigned expectedStreams);
  std::size_t size() const { return participants_.size(); }
  const SimulatedParticipant& participant(std::size_t index) const { return *participants_[index]; }

  // Every participant from `from` on publishes (if it does) and has a packet on each stream it
  // expects.
  bool flowing(std::size_t from) const;
  // Waits until flowing(from) or `timeout`; what flowing(from) then says.
  boost::asio::awaitable<bool> waitFlowing(std::size_t from, Clock::duration timeout);
  boost::asio::awaitable<void> wait(Clock::duration duration);

  // What the counters were when a step began.
  struct Mark {
    Clock::time_point at;
    std::uint64_t packets = 0, bytes = 0, lost = 0, duplicates = 0, reordered = 0;
    ProcessSample server, harness;
    std::optional<double> serverForwarded;
    std::vector<std::uint64_t> receivedBy;  // packets each participant had received
  };
  boost::asio::awaitable<Mark> mark();
  // The step from `since` to now (delays since the last mark); its joins are those of the
  // participants from `joinedFrom` on. `scrape`: also read the server's counter (a scrape per
  // step; the per-second progress lines skip it).
  boost::asio::awaitable<StepResult> measure(const Mark& since, std::size_t joinedFrom,
                                             bool scrape);
  // Measures for `duration` from a fresh mark, printing a progress line every second.
  boost::asio::awaitable<StepResult> measureFor(Clock::duration duration, const std::string& label,
                                                unsigned stepNumber, std::size_t joinedFrom);

  // Connect-to-first-media times of participants [from, size()), those without media counted
  // failed.
  JoinStats joinStats(std::size_t from) const;

  // Senders stop, what is in flight drains, and the run's accounting is filled in.
  boost::asio::awaitable<void> finish(RunResult& result);

 private:
  struct Totals;
  Totals totals() const;

  std::unique_ptr<boost::asio::io_context> io_;
  std::unique_ptr<media::PacketPool> pool_;
  media::PacketCounters counters_;
  std::optional<media::DtlsCertificate> certificate_;
  std::unique_ptr<TransportContext> context_;
  DelayHistogram delays_;
  pid_t serverPid_;
  ServerMetrics metrics_;
  SignalingFactory signaling_;
  std::vector<std::unique_ptr<SimulatedParticipant>> participants_;
  std::vector<unsigned> expectedStreams_;
  bool ticking_ = true;
};

}  // namespace chorus::bench
