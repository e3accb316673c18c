#include "signaling/ws/ServerDrain.h"

#include <boost/json.hpp>

namespace chorus::signaling {
namespace json = boost::json;

StopAction ServerDrain::onStopSignal(StopSignal signal) const noexcept {
  const bool drains = signal == StopSignal::kTerminate && !draining() && deadline_.count() > 0;
  return drains ? StopAction::kDrain : StopAction::kStopNow;
}

void ServerDrain::start(TimePoint now, WallClock wallClock, const SuccessorOf& successorOf) {
  endsAt_ = now + deadline_;
  wallClockEndsAt_ = wallClock + deadline_;
  for (ParticipantConnection* connection : connections_) {
    connection->sendEvent(event(now, successorOf ? successorOf(*connection) : std::nullopt));
  }
}

void ServerDrain::add(ParticipantConnection& connection, TimePoint now) {
  connections_.insert(&connection);
  if (draining()) {
    connection.sendEvent(event(now));
  }
}

void ServerDrain::remove(ParticipantConnection& connection) noexcept {
  connections_.erase(&connection);
}

std::optional<RequestOutcome> ServerDrain::refuseJoin() const {
  if (!draining()) {
    return std::nullopt;
  }
  return RequestOutcome::fail(SignalingError::kServerDraining,
                              "this server is stopping: join the room on another server");
}

DrainEnd ServerDrain::end(TimePoint now, std::size_t participants) const noexcept {
  if (!endsAt_) {
    return DrainEnd::kNotYet;
  }
  if (participants == 0) {
    return DrainEnd::kEmpty;
  }
  return now >= *endsAt_ ? DrainEnd::kDeadline : DrainEnd::kNotYet;
}

std::string ServerDrain::event(TimePoint now, const std::optional<std::string>& url) const {
  // Both forms of the deadline: the wall-clock instant for logs and clocks that agree, and the
  // seconds left for clients whose clock does not agree with the server's.
  const auto left = *endsAt_ > now ? *endsAt_ - now : TimePoint::duration::zero();
  json::object event;
  event["type"] = "server_draining";
  event["deadline"] =
      std::chrono::duration_cast<std::chrono::milliseconds>(wallClockEndsAt_.time_since_epoch())
          .count();
  // Rounded up: a client told 0 would think the server gone while it still serves.
  event["seconds_left"] = std::chrono::ceil<std::chrono::seconds>(left).count();
  if (url) {
    event["url"] = *url;
  }
  return json::serialize(event);
}

}  // namespace chorus::signaling
