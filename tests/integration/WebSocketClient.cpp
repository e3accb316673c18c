#include "tests/integration/WebSocketClient.h"

#include <stdexcept>
#include <variant>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>

namespace chorus::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

// Records how an operation completed, for State::finish to wait on.
struct Outcome {
  bool done = false;
  beast::error_code error;

  auto handler() {
    return [this](beast::error_code result, auto&&...) {
      error = result;
      done = true;
    };
  }
};

}  // namespace

struct WebSocketClient::State {
  using PlainSocket = websocket::stream<beast::tcp_stream>;
  using TlsSocket = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

  asio::io_context context;
  asio::ssl::context tlsContext{asio::ssl::context::tls_client};
  std::variant<PlainSocket, TlsSocket> socket{std::in_place_type<PlainSocket>, context};
  beast::flat_buffer buffer;

  // Runs the started operation to completion or until the timeout; false if it failed or
  // timed out.
  bool finish(const Outcome& outcome) {
    context.restart();
    context.run_for(kTimeout);
    if (!outcome.done) {
      std::visit([](auto& stream) { beast::get_lowest_layer(stream).cancel(); }, socket);
      context.restart();
      context.run_for(kTimeout);
      return false;
    }
    return !outcome.error;
  }
};

WebSocketClient::WebSocketClient(std::uint16_t port, std::string_view origin,
                                 const std::optional<Tls>& tls)
    : state_(std::make_unique<State>()) {
  if (tls) {
    state_->tlsContext.add_certificate_authority(asio::buffer(tls->trustedCertificatePem));
    state_->tlsContext.set_verify_mode(asio::ssl::verify_peer);
    state_->tlsContext.set_verify_callback(asio::ssl::host_name_verification("localhost"));
    state_->socket.emplace<State::TlsSocket>(state_->context, state_->tlsContext);
  }
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  std::visit([&](auto& stream) { beast::get_lowest_layer(stream).connect(endpoint); },
             state_->socket);
  if (tls) {
    Outcome handshake;
    std::get<State::TlsSocket>(state_->socket)
        .next_layer()
        .async_handshake(asio::ssl::stream_base::client, handshake.handler());
    if (!state_->finish(handshake)) {
      throw std::runtime_error("tls handshake failed: " + handshake.error.message());
    }
  }
  Outcome handshake;
  std::visit(
      [&](auto& stream) {
        if (!origin.empty()) {
          stream.set_option(websocket::stream_base::decorator(
              [value = std::string(origin)](websocket::request_type& request) {
                request.set(beast::http::field::origin, value);
              }));
        }
        stream.async_handshake("127.0.0.1", "/ws", handshake.handler());
      },
      state_->socket);
  if (!state_->finish(handshake)) {
    throw std::runtime_error("websocket handshake failed: " + handshake.error.message());
  }
  std::visit([](auto& stream) { stream.text(true); }, state_->socket);
}

WebSocketClient::~WebSocketClient() = default;
WebSocketClient::WebSocketClient(WebSocketClient&& other) noexcept = default;
WebSocketClient& WebSocketClient::operator=(WebSocketClient&& other) noexcept = default;

bool WebSocketClient::send(std::string_view text) {
  Outcome write;
  std::visit([&](auto& stream) { stream.async_write(asio::buffer(text), write.handler()); },
             state_->socket);
  return state_->finish(write);
}

std::optional<std::string> WebSocketClient::receive() {
  Outcome read;
  state_->buffer.clear();
  std::visit([&](auto& stream) { stream.async_read(state_->buffer, read.handler()); },
             state_->socket);
  if (!state_->finish(read)) {
    return std::nullopt;
  }
  return beast::buffers_to_string(state_->buffer.data());
}

std::uint16_t WebSocketClient::closeCode() const {
  return std::visit([](const auto& stream) { return stream.reason().code; }, state_->socket);
}

}  // namespace chorus::test
