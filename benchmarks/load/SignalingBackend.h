#pragma once

#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>

namespace chorus::bench {

// An offer the server made for the participant's receiving transport.
struct SubscribeOffer {
  std::int64_t revision = 0;
  std::string sdp;
};

// The control plane of one simulated participant, whatever server it talks to: it joins a
// room, trades the publish offer for an answer, and hands over the server's offers for what the
// participant receives. Chorus speaks docs/signaling.md (ChorusSignaling); another SFU (Janus's
// VideoRoom) implements the same four steps with its own API, so the media side of the harness
// is shared. Every call runs on the participant's own coroutine, one at a time; a failure
// throws (the participant counts it as a failed join).
class SignalingBackend {
 public:
  virtual ~SignalingBackend() = default;

  // Connects, authenticates as `user` and enters `room`.
  virtual boost::asio::awaitable<void> join(std::string room, std::string user) = 0;
  // Sends the publish transport's offer; the server's answer.
  virtual boost::asio::awaitable<std::string> publish(std::string offerSdp) = 0;
  // The next offer for the receiving transport, waiting for the server to make one.
  virtual boost::asio::awaitable<SubscribeOffer> nextSubscribeOffer() = 0;
  virtual boost::asio::awaitable<void> answerSubscribe(std::int64_t revision,
                                                       std::string answerSdp) = 0;
  // Reads what the server sends, and lets it go, until the connection ends: a participant that
  // receives nothing still keeps its signaling connection alive as a browser does. Chorus pings
  // a silent connection and closes it when no pong comes (docs/signaling.md), and a WebSocket
  // client answers pings only while it reads: a publisher that stopped reading was taken for
  // gone and its media stopped for every subscriber.
  virtual boost::asio::awaitable<void> stayConnected() = 0;
  // Ends the connection, which also ends whatever call is waiting on it.
  virtual void close() = 0;
};

}  // namespace chorus::bench
