#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "server/config/Config.h"
#include "server/http/WebSocketCounters.h"
#include "signaling/auth/TokenVerifier.h"
#include "signaling/room/RoomRegistry.h"
#include "signaling/ws/ServerDrain.h"
#include "signaling/ws/SignalingProtocol.h"

namespace chorus::server {

// One client on /ws, on the control thread: completes the WebSocket handshake on an upgrade
// request HttpServer has read, sends the hello, then answers each text message through a
// signaling::SignalingProtocol until the client leaves, times out or is refused. It is also the
// connection its participant's room events go to: they queue in an outbox that one writer
// drains, so replies and events go out whole and in order.
// `Stream` is what the HTTP connection ran on: boost::beast::tcp_stream, or
// boost::beast::ssl_stream<tcp_stream> with TLS (both instantiated in the .cpp).
template <typename Stream>
class WebSocketSession : private signaling::ParticipantConnection {
 public:
  // A client that lets this much pile up unread is cut off (its participant may resume).
  static constexpr std::size_t kMaxOutboxBytes = std::size_t{4} * 1024 * 1024;

  WebSocketSession(Stream stream, const Config::Signaling& config,
                   const signaling::TokenVerifier& verifier, signaling::RoomRegistry& rooms,
                   signaling::ServerDrain& drain, WebSocketCounters& counters);

  boost::asio::awaitable<void> run(
      boost::beast::http::request<boost::beast::http::string_body> upgrade);

 private:
  boost::asio::awaitable<void> readLoop(signaling::SignalingProtocol& protocol);
  boost::asio::awaitable<void> writeLoop();
  void sendEvent(std::string text) override;
  void enqueue(std::string text);

  boost::beast::websocket::stream<Stream> socket_;
  const Config::Signaling& config_;
  const signaling::TokenVerifier& verifier_;
  signaling::RoomRegistry& rooms_;
  signaling::ServerDrain& drain_;
  WebSocketCounters& counters_;
  boost::asio::steady_timer wakeup_;  // cancelled to wake the writer
  std::deque<std::string> outbox_;
  std::size_t outboxBytes_ = 0;
  // While a request is handled, the events it causes for this client wait here: the reply
  // goes first (docs/signaling.md, "Events").
  bool handling_ = false;
  std::vector<std::string> deferred_;
  bool closeAfterFlush_ = false;  // a refused token: close with 1008 once the reply is out
  bool overflowed_ = false;
};

}  // namespace chorus::server
