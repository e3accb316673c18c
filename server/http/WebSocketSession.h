#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "server/config/Config.h"
#include "server/http/WebSocketCounters.h"
#include "signaling/auth/TokenVerifier.h"

namespace chorus::server {

// One client on /ws, on the control thread: completes the WebSocket handshake on an upgrade
// request HttpServer has read, sends the hello, then answers each text message through a
// signaling::SignalingProtocol until the client leaves, times out or is refused.
class WebSocketSession {
 public:
  WebSocketSession(boost::beast::tcp_stream stream, const Config::Signaling& config,
                   const signaling::TokenVerifier& verifier, WebSocketCounters& counters);

  boost::asio::awaitable<void> run(
      boost::beast::http::request<boost::beast::http::string_body> upgrade);

 private:
  boost::beast::websocket::stream<boost::beast::tcp_stream> socket_;
  const Config::Signaling& config_;
  const signaling::TokenVerifier& verifier_;
  WebSocketCounters& counters_;
};

}  // namespace chorus::server
