#include "server/http/HttpServer.h"

#include <array>
#include <chrono>
#include <optional>
#include <string_view>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "server/http/WebSocketSession.h"

namespace chorus::server {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Api = signaling::HttpApi;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

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

// After answering a request we refused, the client may still be sending it. Closing with unread
// data makes the kernel send a reset, which can destroy our answer before the client reads it
// (RFC 9112 §9.6), so stop sending, read and discard for a moment, then close.
asio::awaitable<void> drainAndClose(beast::tcp_stream& stream) {
  constexpr auto kLinger = std::chrono::seconds(1);
  constexpr std::size_t kMaxDrainBytes = std::size_t{1024} * 1024;
  beast::error_code error;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, error);
  std::array<char, 4096> discard{};
  stream.expires_after(kLinger);
  for (std::size_t drained = 0; drained < kMaxDrainBytes;) {
    auto [readError, count] = co_await stream.async_read_some(asio::buffer(discard), kUseTuple);
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

bool isQuietEnd(const beast::error_code& error) {
  return error == http::error::end_of_stream || error == asio::error::eof ||
         error == beast::error::timeout || error == asio::error::connection_reset ||
         error == asio::error::operation_aborted;
}

}  // namespace

HttpServer::HttpServer(asio::io_context& context, const Config& config, const Api& api,
                       signaling::RestApi& rest, const signaling::TokenVerifier& verifier,
                       signaling::RoomRegistry& rooms, WebSocketCounters& counters)
    : context_(context),
      config_(config.http),
      signaling_(config.signaling),
      origins_(config.signaling.allowedOrigins),
      api_(api),
      rest_(rest),
      verifier_(verifier),
      rooms_(rooms),
      counters_(counters),
      acceptor_(context, {asio::ip::make_address(config.http.listenAddress), config.http.port}) {}

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
    asio::co_spawn(context_, serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> HttpServer::serve(asio::ip::tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(config_.maxHeaderBytes));
    parser.body_limit(config_.maxBodyBytes);
    stream.expires_after(config_.idleTimeout);
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
      WebSocketSession session(std::move(stream), signaling_, verifier_, rooms_, counters_);
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
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

}  // namespace chorus::server
