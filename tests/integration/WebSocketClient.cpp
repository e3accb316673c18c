#include "tests/integration/WebSocketClient.h"

#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>

namespace chorus::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

struct WebSocketClient::State {
  asio::io_context context;
  websocket::stream<beast::tcp_stream> socket{context};
  beast::flat_buffer buffer;

  // Runs the started operation to completion or until the timeout; false on timeout.
  bool finish(const bool& done) {
    context.restart();
    context.run_for(kTimeout);
    if (!done) {
      beast::get_lowest_layer(socket).cancel();
      context.restart();
      context.run_for(kTimeout);
      return false;
    }
    return true;
  }
};

WebSocketClient::WebSocketClient(std::uint16_t port, std::string_view origin)
    : state_(std::make_unique<State>()) {
  beast::get_lowest_layer(state_->socket)
      .connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  if (!origin.empty()) {
    state_->socket.set_option(websocket::stream_base::decorator(
        [value = std::string(origin)](websocket::request_type& request) {
          request.set(beast::http::field::origin, value);
        }));
  }
  bool done = false;
  beast::error_code result;
  state_->socket.async_handshake("127.0.0.1", "/ws", [&](beast::error_code error) {
    result = error;
    done = true;
  });
  if (!state_->finish(done) || result) {
    throw std::runtime_error("websocket handshake failed: " + result.message());
  }
  state_->socket.text(true);
}

WebSocketClient::~WebSocketClient() = default;
WebSocketClient::WebSocketClient(WebSocketClient&& other) noexcept = default;
WebSocketClient& WebSocketClient::operator=(WebSocketClient&& other) noexcept = default;

bool WebSocketClient::send(std::string_view text) {
  bool done = false;
  beast::error_code result;
  state_->socket.async_write(asio::buffer(text), [&](beast::error_code error, std::size_t) {
    result = error;
    done = true;
  });
  return state_->finish(done) && !result;
}

std::optional<std::string> WebSocketClient::receive() {
  bool done = false;
  beast::error_code result;
  state_->buffer.clear();
  state_->socket.async_read(state_->buffer, [&](beast::error_code error, std::size_t) {
    result = error;
    done = true;
  });
  if (!state_->finish(done) || result) {
    return std::nullopt;
  }
  return beast::buffers_to_string(state_->buffer.data());
}

std::uint16_t WebSocketClient::closeCode() const {
  return state_->socket.reason().code;
}

}  // namespace chorus::test
