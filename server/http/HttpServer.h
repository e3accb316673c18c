#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "server/config/Config.h"
#include "server/http/WebSocketCounters.h"
#include "signaling/auth/TokenVerifier.h"
#include "signaling/http/HttpApi.h"
#include "signaling/http/OriginAllowList.h"
#include "signaling/http/RestApi.h"
#include "signaling/room/RoomRegistry.h"

namespace chorus::server {

// The control port's listener: accepts TCP connections on the control thread and serves HTTP/1.1
// on each (keep-alive, size limits, idle timeout), handing parsed requests to the HttpApi, and
// WebSocket upgrades of /ws to a WebSocketSession, and /api/ to the RestApi.
class HttpServer {
 public:
  // Binds and listens at once, so a port in use fails start-up.
  HttpServer(boost::asio::io_context& context, const Config& config, const signaling::HttpApi& api,
             signaling::RestApi& rest, const signaling::TokenVerifier& verifier,
             signaling::RoomRegistry& rooms, WebSocketCounters& counters);

  void start();
  // Stops accepting; open connections end with the control loop.
  void stop();

  boost::asio::ip::tcp::endpoint endpoint() const { return acceptor_.local_endpoint(); }

 private:
  boost::asio::awaitable<void> accept();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& context_;
  Config::Http config_;
  Config::Signaling signaling_;
  signaling::OriginAllowList origins_;
  const signaling::HttpApi& api_;
  signaling::RestApi& rest_;
  const signaling::TokenVerifier& verifier_;
  signaling::RoomRegistry& rooms_;
  WebSocketCounters& counters_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace chorus::server
