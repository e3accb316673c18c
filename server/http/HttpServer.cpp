#include "server/http/HttpServer.h"

#include <array>
#include <chrono>
#include <optional>
#include <string_view>
#include <type_traits>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "server/http/WebSocketSession.h"

namespace chorus::server {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Api = signaling::HttpApi;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
// How long a closing connection waits for the client's last bytes.
constexpr auto kLinger = std::chrono::seconds(1);

// A request that could not be read gets a status naming why (RFC 9110 §15.5), then the
// connection closes: after a framing error the rest of the stream cannot be trusted.
http::status statusForReadError(const beast::error_code& error) {
  if (error == http::error::body_limit) {
    return http::status::payload_too_large;
  }
  if (error == http::error::header_limit || error == http::error::buffer_overflow) {
    return http::status::request_header_fields_too_large;
  }
  return http::status::bad_request;
}

// Ends our side of the connection: over TLS, close_notify first (RFC 8446 §6.1) so the client
// can tell the end from a truncation, waiting a moment for its own; then the TCP FIN.
template <typename Stream>
asio::awaitable<void> shutdownSend(Stream& stream) {
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    beast::get_lowest_layer(stream).expires_after(kLinger);
    co_await stream.async_shutdown(kUseTuple);
  }
  beast::error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

// After answering a request we refused, the client may still be sending it. Closing with unread
// data makes the kernel send a reset, which can destroy our answer before the client reads it
// (RFC 9112 §9.6), so stop sending, read and discard for a moment, then close. Under TLS the
// discarded bytes are records nobody will decrypt, so they are read below it.
template <typename Stream>
asio::awaitable<void> drainAndClose(Stream& stream) {
  constexpr std::size_t kMaxDrainBytes = std::size_t{1024} * 1024;
  co_await shutdownSend(stream);
  beast::tcp_stream& tcp = beast::get_lowest_layer(stream);
  std::array<char, 4096> discard{};
  tcp.expires_after(kLinger);
  for (std::size_t drained = 0; drained < kMaxDrainBytes;) {
    auto [readError, count] = co_await tcp.async_read_some(asio::buffer(discard), kUseTuple);
    if (readError) {
      break;
    }
    drained += count;
  }
}

constexpr std::string_view kWebSocketPath = "/ws";

bool isWebSocketPath(std::string_view target) {
  return target.substr(0, target.find('?')) == kWebSocketPath;
}

// RFC 9110 §15.5.22: 426 names the protocol to switch to in an Upgrade header.
Api::Response upgradeRequired(const Api::Request& request) {
  auto response = Api::textResponse(http::status::upgrade_required, "/ws speaks WebSocket only",
                                    request.version(), request.keep_alive());
  response.set(http::field::upgrade, "websocket");
  return response;
}

// RFC 6455 §4.1 item 8: a browser names the page's origin; a native client sends none.
std::optional<std::string_view> originOf(const Api::Request& request) {
  const auto origin = request.find(http::field::origin);
  if (origin == request.end()) {
    return std::nullopt;
  }
  return origin->value();
}

// The client left or went silent, or its TLS records broke: there is no one to answer. A TLS
// client that closes without close_notify (stream_truncated) is common and harmless here: HTTP
// frames its own messages (RFC 9112 §6).
bool isQuietEnd(const beast::error_code& error) {
  return error == http::error::end_of_stream || error == asio::error::eof ||
         error == beast::error::timeout || error == asio::error::connection_reset ||
         error == asio::error::operation_aborted ||
         error.category() == asio::error::get_ssl_category() ||
         error == asio::ssl::error::stream_truncated;
}

}  // namespace

HttpServer::HttpServer(asio::io_context& context, const Config& config, const Api& api,
                       signaling::RestApi& rest, const signaling::TokenVerifier& verifier,
                       signaling::RoomRegistry& rooms, signaling::ServerDrain& drain,
                       WebSocketCounters& counters)
    : context_(context),
      config_(config.http),
      signaling_(config.signaling),
      origins_(config.signaling.allowedOrigins),
      api_(api),
      rest_(rest),
      verifier_(verifier),
      rooms_(rooms),
      drain_(drain),
      counters_(counters),
      tls_(loadTlsContext(config.http)),
      acceptor_(context, {asio::ip::make_address(config.http.listenAddress), config.http.port}) {}

HttpServer::~HttpServer() = default;

void HttpServer::start() {
  asio::co_spawn(context_, accept(), asio::detached);
}

void HttpServer::stop() {
  beast::error_code ignored;
  acceptor_.close(ignored);
}

asio::awaitable<void> HttpServer::accept() {
  for (;;) {
    auto [error, socket] = co_await acceptor_.async_accept(kUseTuple);
    if (error == asio::error::operation_aborted) {
      co_return;
    }
    if (error) {
      // Out of descriptors and the like: keep listening; the client will retry.
      spdlog::warn("http_accept_failed error={}", error.message());
      continue;
    }
    if (tls_) {
      asio::co_spawn(context_, handshakeAndServe(std::move(socket)), asio::detached);
    } else {
      asio::co_spawn(context_, serve(beast::tcp_stream(std::move(socket))), asio::detached);
    }
  }
}

asio::awaitable<void> HttpServer::handshakeAndServe(asio::ip::tcp::socket socket) {
  TlsStream stream(std::move(socket), *tls_);
  // A client that connects and says nothing is dropped as an idle HTTP connection would be.
  beast::get_lowest_layer(stream).expires_after(config_.idleTimeout);
  auto [error] = co_await stream.async_handshake(asio::ssl::stream_base::server, kUseTuple);
  if (error) {
    // Plain HTTP sent to this port, a client that does not trust the certificate, a scanner:
    // nothing can be answered, since nothing was agreed to answer in.
    spdlog::debug("tls_handshake_failed error={}", error.message());
    co_return;
  }
  co_await serve(std::move(stream));
}

template <typename Stream>
asio::awaitable<void> HttpServer::serve(Stream stream) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(config_.maxHeaderBytes));
    parser.body_limit(config_.maxBodyBytes);
    beast::get_lowest_layer(stream).expires_after(config_.idleTimeout);
    auto [readError, bytesRead] = co_await http::async_read(stream, buffer, parser, kUseTuple);
    if (readError) {
      if (!isQuietEnd(readError)) {
        auto response = Api::textResponse(statusForReadError(readError), readError.message(),
                                          parser.get().version(), false);
        co_await http::async_write(stream, response, kUseTuple);
        co_await drainAndClose(stream);
        co_return;
      }
      break;
    }
    const bool forWebSocket = isWebSocketPath(parser.get().target());
    const bool upgrade = forWebSocket && beast::websocket::is_upgrade(parser.get());
    const bool originAllowed = origins_.allows(originOf(parser.get()));
    if (upgrade && originAllowed && counters_.open.load() < signaling_.maxConnections) {
      WebSocketSession<Stream> session(std::move(stream), signaling_, verifier_, rooms_, drain_,
                                       counters_);
      co_await session.run(parser.release());
      co_return;
    }
    Api::Response response;
    if (upgrade && !originAllowed) {
      ++counters_.refusedForOrigin;
      response = Api::textResponse(http::status::forbidden, "origin not allowed",
                                   parser.get().version(), false);
    } else if (upgrade) {
      ++counters_.refused;
      response = Api::textResponse(http::status::service_unavailable,
                                   "too many WebSocket connections", parser.get().version(), false);
    } else if (forWebSocket && parser.get().method() == http::verb::get) {
      response = upgradeRequired(parser.get());
    } else if (signaling::RestApi::owns(parser.get().target())) {
      response = rest_.handle(parser.get());
    } else {
      response = api_.handle(parser.get());
    }
    const bool keepAlive = response.keep_alive();
    auto [writeError, bytesWritten] = co_await http::async_write(stream, response, kUseTuple);
    if (writeError || !keepAlive) {
      break;
    }
  }
  co_await shutdownSend(stream);
}

}  // namespace chorus::server
