#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/fwd.hpp>

#include "signaling/auth/AccessToken.h"
#include "signaling/auth/TokenVerifier.h"
#include "signaling/room/RoomRegistry.h"
#include "signaling/ws/ServerDrain.h"
#include "signaling/ws/TokenBucket.h"

namespace chorus::signaling {

struct SignalingLimits {
  std::size_t maxMessageBytes = std::size_t{64} * 1024;
  unsigned messagesPerSecond = 20;
  // Messages a client may send at once after being quiet: twice the rate.
  unsigned burst() const noexcept { return messagesPerSecond * 2; }
};

// What to send back for one client message.
struct SignalingReply {
  std::string text;                            // one JSON reply
  bool close = false;                          // close the connection after sending it
  TokenError authFailure = TokenError::kNone;  // set when a token was refused, for counting
  bool rateLimited = false;                    // the message was refused for the rate limit
};

// One WebSocket connection's protocol state, without the socket: it reads a client's text
// message, hands room requests to the RoomRegistry and says what to answer (docs/signaling.md,
// "WebSocket API"). The session in server/ owns the socket and the clocks, calls it for every
// message, in order, on the control thread, and is the `connection` the room's events go to.
class SignalingProtocol {
 public:
  static constexpr int kVersion = 1;

  SignalingProtocol(const TokenVerifier& verifier, SignalingLimits limits,
                    TokenBucket::Clock::time_point now, RoomRegistry& rooms, ServerDrain& drain,
                    ParticipantConnection& connection);
  ~SignalingProtocol();
  SignalingProtocol(const SignalingProtocol&) = delete;
  SignalingProtocol& operator=(const SignalingProtocol&) = delete;

  // The connection has dropped: its participant, if any, waits for a resume.
  void onClosed(TokenBucket::Clock::time_point now);

  // The first server message: the protocol version, the limits the client must respect and
  // the resume window.
  std::string hello() const;
  // Sends the hello to the connection and, while the server drains, the `server_draining`
  // event after it; from then on the connection hears of a drain.
  void open(TokenBucket::Clock::time_point now);

  SignalingReply onMessage(std::string_view text, TokenBucket::Clock::time_point now,
                           std::chrono::system_clock::time_point wallClock);

  // The API is JSON text; a binary message is a bad_request (it counts against the rate too).
  SignalingReply onBinaryMessage(TokenBucket::Clock::time_point now);

  const std::optional<AccessToken>& identity() const noexcept { return identity_; }

 private:
  SignalingReply authenticate(const boost::json::object& request, const boost::json::value& id,
                              std::chrono::system_clock::time_point wallClock);
  // The requests that need an identity; nothing for a type that is not one of them.
  std::optional<RequestOutcome> roomRequest(std::string_view type,
                                            const boost::json::object& request);
  RequestOutcome join(const boost::json::object& request);

  const TokenVerifier& verifier_;
  SignalingLimits limits_;
  TokenBucket bucket_;
  std::optional<AccessToken> identity_;
  RoomRegistry& rooms_;
  ServerDrain& drain_;
  ParticipantConnection& connection_;
  bool closed_ = false;
};

}  // namespace chorus::signaling
