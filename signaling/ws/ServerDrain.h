#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>

#include "signaling/room/MediaTransports.h"
#include "signaling/room/RoomRegistry.h"

namespace chorus::signaling {

// The stop signal that arrived: SIGTERM asks for a drain (an orchestrator taking the node out),
// SIGINT for an immediate stop (a person at the terminal).
enum class StopSignal : std::uint8_t { kTerminate, kInterrupt };

// What the process does about a stop signal.
enum class StopAction : std::uint8_t { kDrain, kStopNow };

// Whether a drain is over, and why.
enum class DrainEnd : std::uint8_t { kNotYet, kEmpty, kDeadline };

// The graceful stop of a server (docs/signaling.md, "Draining"): from SIGTERM on, new joins are
// refused with `server_draining`, every open connection gets the `server_draining` event with
// the deadline so that its client moves the call to another node, and the drain ends once no
// participant is left or at the deadline. It makes the decisions; server/ owns the signals, the
// timer and the exit. Control thread only, like the sessions it tells.
class ServerDrain {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using WallClock = std::chrono::system_clock::time_point;

  // `deadline` is how long a drain may last (drain.deadline_seconds); zero: no drain, SIGTERM
  // stops at once.
  explicit ServerDrain(std::chrono::seconds deadline) : deadline_(deadline) {}
  ServerDrain(const ServerDrain&) = delete;
  ServerDrain& operator=(const ServerDrain&) = delete;
  ServerDrain(ServerDrain&&) = delete;
  ServerDrain& operator=(ServerDrain&&) = delete;
  ~ServerDrain() = default;

  // The first SIGTERM starts a drain (unless the deadline is zero); SIGINT, or any signal once a
  // drain has started, stops at once: the operator insists.
  StopAction onStopSignal(StopSignal signal) const noexcept;

  // Where the participant on a connection should move: in a cluster, its room's next node
  // (RoomRegistry::successorUrlOf); nothing lets the client pick (its load balancer).
  using SuccessorOf = std::function<std::optional<std::string>(ParticipantConnection&)>;

  // Starts the drain at `now` (`wallClock` is the same instant on the wall clock, for the
  // deadline clients are told): every open connection gets the `server_draining` event, with
  // the `url` `successorOf` gives it.
  void start(TimePoint now, WallClock wallClock, const SuccessorOf& successorOf = {});
  bool draining() const noexcept { return endsAt_.has_value(); }
  std::chrono::seconds deadline() const noexcept { return deadline_; }

  // The open connections (from the hello until closed), so that all hear of a drain; one opened
  // during a drain gets the event at once.
  void add(ParticipantConnection& connection, TimePoint now);
  void remove(ParticipantConnection& connection) noexcept;

  // What a `join` gets during a drain; nothing when it may go ahead.
  std::optional<RequestOutcome> refuseJoin() const;

  // Whether the drain is over at `now` with `participants` still in rooms.
  DrainEnd end(TimePoint now, std::size_t participants) const noexcept;

  // The `server_draining` event as of `now` (only during a drain), naming `url` if given.
  std::string event(TimePoint now, const std::optional<std::string>& url = std::nullopt) const;

 private:
  std::chrono::seconds deadline_;
  std::optional<TimePoint> endsAt_;
  WallClock wallClockEndsAt_;
  std::unordered_set<ParticipantConnection*> connections_;
};

}  // namespace chorus::signaling
