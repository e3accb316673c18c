#pragma once

#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "server/config/Config.h"
#include "server/http/TlsContext.h"
#include "server/http/WebSocketCounters.h"
#include "signaling/auth/TokenVerifier.h"
#include "signaling/http/HttpApi.h"
#include "signaling/http/OriginAllowList.h"
#include "signaling/http/RestApi.h"
#include "signaling/room/RoomRegistry.h"
#include "signaling/ws/ServerDrain.h"

namespace chorus::server {

// The control port's listener: accepts TCP connections on the control thread and serves HTTP/1.1
// on each (keep-alive, size limits, idle timeout), handing parsed requests to the HttpApi, and
// WebSocket upgrades of /ws to a WebSocketSession, and /api/ to the RestApi. With
// http.tls_certificate_file and http.tls_private_key_file set, every connection is TLS first.
class HttpServer {
 public:
  // Loads the TLS certificate (ConfigError if unusable), then binds and listens at once, so a
  // port in use fails start-up.
  HttpServer(boost::asio::io_context& context, const Config& config, const signaling::HttpApi& api,
             signaling::RestApi& rest, const signaling::TokenVerifier& verifier,
             signaling::RoomRegistry& rooms, signaling::ServerDrain& drain,
             WebSocketCounters& counters);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void start();
  // Stops accepting; open connections end with the control loop.
  void stop();

  boost::asio::ip::tcp::endpoint endpoint() const { return acceptor_.local_endpoint(); }
  bool tls() const { return tls_ != nullptr; }

 private:
  boost::asio::awaitable<void> accept();
  boost::asio::awaitable<void> handshakeAndServe(boost::asio::ip::tcp::socket socket);
  // The HTTP/1.1 loop over a beast::tcp_stream, or an ssl_stream of one after its handshake.
  template <typename Stream>
  boost::asio::awaitable<void> serve(Stream stream);

  boost::asio::io_context& context_;
  Config::Http config_;
  Config::Signaling signaling_;
  signaling::OriginAllowList origins_;
  const signaling::HttpApi& api_;
  signaling::RestApi& rest_;
  const signaling::TokenVerifier& verifier_;
  signaling::RoomRegistry& rooms_;
  signaling::ServerDrain& drain_;
  WebSocketCounters& counters_;
  std::unique_ptr<boost::asio::ssl::context> tls_;  // null: plain HTTP
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace chorus::server
