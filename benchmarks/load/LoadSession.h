#pragma once

#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <type_traits>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "benchmarks/load/LoadLane.h"
#include "benchmarks/load/LoadRun.h"
#include "benchmarks/load/ServerMetrics.h"
#include "benchmarks/load/ServerProcess.h"
#include "benchmarks/load/SignalingBackend.h"
#include "benchmarks/load/SimulatedParticipant.h"
#include "media/security/DtlsCertificate.h"

namespace chorus::bench {

// Makes the control plane of one participant (ChorusSignaling for chorusd), on the executor of
// the participant's lane.
using SignalingFactory =
    std::function<std::unique_ptr<SignalingBackend>(boost::asio::any_io_executor)>;

// What one run's scenarios share: the lanes (LoadLane: an io_context on its own thread with its
// own 2 ms media tick; lane 0 is the thread that calls run()), the participants (added at any
// time, each with the number of streams it should receive, spread over the lanes in turn), and
// the measurement of an interval (the harness's counters, the server's CPU and RSS from /proc,
// its forwarded counter from /metrics). A scenario is one coroutine on lane 0 that adds
// participants, waits for their media, and measures steps. It never touches a participant: what
// it needs of them is computed on each lane, by a function run there, and combined on lane 0.
class LoadSession {
 public:
  using Clock = std::chrono::steady_clock;

  // `lanes` media loops (1: everything on the caller's thread). `maxParticipants` sizes the
  // packet pools: every participant the run will ever add. `http`: the server's HTTP port, for
  // /metrics.
  LoadSession(unsigned lanes, std::size_t maxParticipants, pid_t serverPid,
              const boost::asio::ip::tcp::endpoint& http, SignalingFactory signaling);
  LoadSession(const LoadSession&) = delete;
  LoadSession& operator=(const LoadSession&) = delete;
  ~LoadSession();

  unsigned lanes() const { return static_cast<unsigned>(lanes_.size()); }
  // Pins lane i to CPU i (lane 0: the calling thread); false when a CPU does not exist.
  bool pinLanes();

  // Runs `scenario` on lane 0 with every lane's tick going until it returns; then every
  // participant is closed and the lanes' threads end.
  void run(std::function<boost::asio::awaitable<void>(LoadSession&)> scenario);

  // Creates the participant on its lane (its run-wide index is its position) and starts its
  // signaling there.
  boost::asio::awaitable<void> add(ParticipantConfig config, unsigned expectedStreams);
  std::size_t size() const { return size_; }

  // Every participant from `from` on publishes (if it does) and has a packet on each stream it
  // expects.
  boost::asio::awaitable<bool> flowing(std::size_t from);
  // Waits until flowing(from) or `timeout`; what flowing(from) then says.
  boost::asio::awaitable<bool> waitFlowing(std::size_t from, Clock::duration timeout);
  boost::asio::awaitable<void> wait(Clock::duration duration);

  // What the counters were when a step began.
  struct Mark {
    Clock::time_point at;
    std::uint64_t packets = 0, bytes = 0, lost = 0, duplicates = 0, reordered = 0;
    ProcessSample server, harness;
    std::optional<double> serverForwarded;
    // Packets each participant had received: by lane, in the lane's order.
    std::vector<std::vector<std::uint64_t>> receivedBy;
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
  boost::asio::awaitable<JoinStats> joinStats(std::size_t from);

  // Senders stop, what is in flight drains, and the run's accounting is filled in.
  boost::asio::awaitable<void> finish(RunResult& result);

 private:
  // Runs `function` on each lane's thread, one lane after the other, and hands back what each
  // returned (by lane); the caller's coroutine resumes on lane 0.
  template <typename Function>
  boost::asio::awaitable<std::vector<std::invoke_result_t<Function&, LoadLane&>>> onEachLane(
      Function function);
  template <typename Function>
  boost::asio::awaitable<void> forEachLane(Function function);
  boost::asio::awaitable<LaneTotals> totals();
  LoadLane& home() { return *lanes_.front(); }

  std::optional<media::DtlsCertificate> certificate_;
  std::vector<std::unique_ptr<LoadLane>> lanes_;
  pid_t serverPid_;
  std::optional<ServerMetrics> metrics_;  // on lane 0
  SignalingFactory signaling_;
  std::size_t size_ = 0;
  std::exception_ptr failure_;
};

}  // namespace chorus::bench
