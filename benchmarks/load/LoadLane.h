#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "benchmarks/load/ClientTransport.h"
#include "benchmarks/load/DelayHistogram.h"
#include "benchmarks/load/LoadRun.h"
#include "benchmarks/load/SignalingBackend.h"
#include "benchmarks/load/SimulatedParticipant.h"

namespace chorus::bench {

// What a lane's subscribers received over all their streams since the start, summed.
struct LaneTotals {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t lost = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t reordered = 0;
  double jitterNsSum = 0;
  unsigned streams = 0;

  LaneTotals& operator+=(const LaneTotals& other);
};

// Connect-to-first-media times (ms) of a lane's participants that expect media, and those
// that have none (or failed to join).
struct LaneJoins {
  std::vector<double> firstMediaMs;
  unsigned failed = 0;
};

// What a publisher has sent so far; `index` is the participant's run-wide index, and `sources`
// false for a participant that never started sending.
struct PublisherSent {
  std::uint32_t index = 0;
  bool sources = false;
  std::uint64_t audio = 0;
  std::uint64_t video = 0;
};

// A lane's share of the run's accounting, and of its join results.
struct LaneAccounting {
  Accounting accounting;
  unsigned failedJoins = 0;
  std::vector<std::string> failures;
  std::vector<double> joinMs;  // connect to publish answered (or joined)
};

// One media loop of the harness: an io_context on one thread with its own packet pool, socket
// counters, delay histogram and 2 ms media tick, and the participants placed on it. Everything
// a participant does (its signaling coroutine, its sockets, its tick) runs on its lane, so no
// participant's state is ever touched by two threads and the per-packet path needs no lock.
// Every member function except executor(), start() and stop() must be called on the lane's
// thread: LoadSession runs them there (co_spawn on executor()) and combines the results.
class LoadLane {
 public:
  using Clock = std::chrono::steady_clock;

  // `maxParticipants` sizes the packet pool: every participant the lane will ever hold.
  LoadLane(unsigned index, std::size_t maxParticipants, const media::DtlsCertificate& certificate);
  LoadLane(const LoadLane&) = delete;
  LoadLane& operator=(const LoadLane&) = delete;
  ~LoadLane();

  unsigned index() const { return index_; }
  boost::asio::any_io_executor executor() { return io_.get_executor(); }
  boost::asio::io_context& io() { return io_; }

  // Lanes other than 0 (whose loop the caller's thread runs): runs the loop on a thread of its
  // own until stop(); `onFailure` is called on that thread if the loop throws.
  void start(std::function<void(std::exception_ptr)> onFailure);
  // Pins the lane's thread (the calling one for a lane not started) to `cpu`; false where that
  // CPU does not exist.
  bool pinTo(int cpu);
  // Ends the loop and joins its thread.
  void stop();

  // The media tick, until close().
  void startTick();
  // Creates the participant (`config.index` is its run-wide index) and starts its signaling.
  void add(ParticipantConfig config, unsigned expectedStreams,
           std::unique_ptr<SignalingBackend> signaling);
  // Senders stop; the participants keep receiving.
  void stopMedia();
  // Every participant's signaling ends and the tick stops.
  void close();

  // Every participant with run-wide index `from` or above publishes (if it does) and has a
  // packet on each stream it expects.
  bool flowing(std::size_t from) const;
  LaneTotals totals() const;
  // Packets each participant of the lane has received, in the lane's order.
  std::vector<std::uint64_t> receivedByParticipant() const;
  // Participants expecting media whose count has not moved since `receivedAtMark` (what
  // receivedByParticipant() said then; participants added since are not counted).
  unsigned silentSince(const std::vector<std::uint64_t>& receivedAtMark) const;
  const DelayHistogram& delays() const { return delays_; }
  void clearDelays() { delays_.clear(); }
  LaneJoins joins(std::size_t from) const;

  std::vector<PublisherSent> sent() const;
  // The accounting of the streams the lane's participants receive, given what every publisher
  // of the run has sent (every lane's sent(), placed at each publisher's run-wide index).
  LaneAccounting account(const std::vector<PublisherSent>& sentByIndex) const;

 private:
  boost::asio::awaitable<void> tick();

  unsigned index_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
  std::unique_ptr<media::PacketPool> pool_;
  media::PacketCounters counters_;
  TransportContext context_;
  DelayHistogram delays_;
  std::vector<std::unique_ptr<SimulatedParticipant>> participants_;
  std::vector<unsigned> expectedStreams_;
  bool ticking_ = true;
};

}  // namespace chorus::bench
