#pragma once

#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/object.hpp>

#include "benchmarks/load/SignalingBackend.h"

namespace chorus::bench {

// Janus VideoRoom 1.1 over its WebSocket API (subprotocol janus-protocol;
// benchmarks/peers/janus/README.md has the message sequence): one session with two handles, a
// publisher (join, then configure with the offer: Janus answers) and a multistream subscriber
// (join with the room's feeds: Janus offers, start with the answer; `subscribe` for feeds
// published later, one renegotiation at a time). Feeds are learnt from the publisher handle's
// `joined` and `publishers` events. A keepalive goes every kKeepalive (Janus drops a silent
// session after 60 s). Replies to a request are its `ack` and its `event` in either order, or
// an `error`; a VideoRoom error inside an event is an error too.
class JanusSignaling final : public SignalingBackend {
 public:
  JanusSignaling(boost::asio::any_io_executor executor, boost::asio::ip::tcp::endpoint server);

  // `room` is the harness's name: "bench-K" (rooms, ramp) and "storm-K" (join-storm) are
  // Janus room K + 1, "webinar" room 1 (run-janus.sh --rooms writes rooms 1..N).
  boost::asio::awaitable<void> join(std::string room, std::string user) override;
  boost::asio::awaitable<std::string> publish(std::string offerSdp) override;
  boost::asio::awaitable<SubscribeOffer> nextSubscribeOffer() override;
  boost::asio::awaitable<void> answerSubscribe(std::int64_t revision,
                                               std::string answerSdp) override;
  boost::asio::awaitable<void> stayConnected() override;
  void close() override;

  // Janus's room number for the harness's room name.
  static std::int64_t roomNumber(const std::string& room);

 private:
  // Sends a request (session and handle ids added) and waits for its final reply: `success`
  // for the Janus API, the plugin's `event` for a VideoRoom message. Throws on an error.
  boost::asio::awaitable<boost::json::object> call(boost::json::object request,
                                                   std::int64_t handle);
  boost::asio::awaitable<boost::json::object> receive();
  void send(std::string text);
  boost::asio::awaitable<void> drainWrites();
  boost::asio::awaitable<void> keepAlive();
  void keepEvent(const boost::json::object& message);
  void learnFeeds(const boost::json::object& data);

  boost::asio::ip::tcp::endpoint server_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> socket_;
  boost::beast::flat_buffer buffer_;
  boost::asio::steady_timer keepaliveTimer_;
  std::deque<std::string> writes_;
  bool writing_ = false;
  bool closed_ = false;
  std::int64_t room_ = 0;
  std::int64_t session_ = 0;
  std::int64_t publisherHandle_ = 0;
  std::int64_t subscriberHandle_ = 0;
  std::int64_t ownFeed_ = 0;
  std::uint64_t nextTransaction_ = 1;
  bool subscriberJoined_ = false;
  std::int64_t revision_ = 0;
  std::vector<std::int64_t> newFeeds_;  // published, not yet asked for
  std::set<std::int64_t> knownFeeds_;
};

}  // namespace chorus::bench
