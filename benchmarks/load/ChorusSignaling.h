#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/object.hpp>

#include "benchmarks/load/SignalingBackend.h"

namespace chorus::bench {

// Where a Chorus server is and how to mint tokens for it: an application's key and secret (the
// dev_mode application by default, which a chorusd started by the harness has).
struct ChorusEndpoint {
  boost::asio::ip::tcp::endpoint http;
  std::string applicationKey;
  std::string applicationSecret;
};

// docs/signaling.md over one asynchronous WebSocket: hello, authenticate (a token minted here
// with the application's secret), join, publish, subscribe_offer / subscribe_answer. Replies
// come in request order and events in between are kept, so one coroutine drives it.
class ChorusSignaling final : public SignalingBackend {
 public:
  ChorusSignaling(boost::asio::any_io_executor executor, ChorusEndpoint endpoint);

  boost::asio::awaitable<void> join(std::string room, std::string user) override;
  boost::asio::awaitable<std::string> publish(std::string offerSdp) override;
  boost::asio::awaitable<SubscribeOffer> nextSubscribeOffer() override;
  boost::asio::awaitable<void> answerSubscribe(std::int64_t revision,
                                               std::string answerSdp) override;
  boost::asio::awaitable<void> stayConnected() override;
  void close() override;

 private:
  // Sends a request and waits for its reply, keeping the events that come first; throws on an
  // error reply.
  boost::asio::awaitable<boost::json::object> call(boost::json::object request);
  boost::asio::awaitable<boost::json::object> receive();
  void keepEvent(const boost::json::object& event);

  ChorusEndpoint endpoint_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> socket_;
  boost::beast::flat_buffer buffer_;
  std::deque<SubscribeOffer> offers_;
  std::int64_t nextId_ = 1;
};

}  // namespace chorus::bench
