#include "server/http/WebSocketSession.h"

#include <chrono>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "signaling/ws/SignalingProtocol.h"

namespace chorus::server {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// Counts the connection open for as long as the session lives, whichever way it ends.
class OpenConnection {
 public:
  explicit OpenConnection(std::atomic<std::uint64_t>& open) : open_(open) { ++open_; }
  ~OpenConnection() { --open_; }
  OpenConnection(const OpenConnection&) = delete;
  OpenConnection& operator=(const OpenConnection&) = delete;

 private:
  std::atomic<std::uint64_t>& open_;
};

}  // namespace

WebSocketSession::WebSocketSession(beast::tcp_stream stream, const Config::Signaling& config,
                                   const signaling::TokenVerifier& verifier,
                                   WebSocketCounters& counters)
    : socket_(std::move(stream)), config_(config), verifier_(verifier), counters_(counters) {}

asio::awaitable<void> WebSocketSession::run(
    beast::http::request<beast::http::string_body> upgrade) {
  const OpenConnection open(counters_.open);
  // The websocket stream keeps its own timers; the HTTP read deadline must not fire under it.
  beast::get_lowest_layer(socket_).expires_never();
  // RFC 6455 §5.5.2: keep_alive_pings pings a silent client at half the idle timeout, so a
  // connection is closed only when the peer stops answering.
  socket_.set_option(
      websocket::stream_base::timeout{config_.handshakeTimeout, config_.idleTimeout, true});
  // RFC 6455 §7.4.1: a message over the limit fails the connection with close code 1009.
  socket_.read_message_max(config_.maxMessageBytes);
  auto [acceptError] = co_await socket_.async_accept(upgrade, kUseTuple);
  if (acceptError) {
    co_return;
  }
  const signaling::SignalingLimits limits{config_.maxMessageBytes, config_.messagesPerSecond};
  signaling::SignalingProtocol protocol(verifier_, limits, std::chrono::steady_clock::now());
  socket_.text(true);
  const std::string hello = protocol.hello();
  auto [helloError, helloBytes] = co_await socket_.async_write(asio::buffer(hello), kUseTuple);
  if (helloError) {
    co_return;
  }
  beast::flat_buffer buffer;
  for (;;) {
    auto [readError, bytesRead] = co_await socket_.async_read(buffer, kUseTuple);
    if (readError) {
      // Closed by the client, timed out, or over read_message_max (Beast has sent 1009).
      if (readError != websocket::error::closed) {
        spdlog::debug("websocket_closed reason={}", readError.message());
      }
      co_return;
    }
    const auto now = std::chrono::steady_clock::now();
    const auto wallClock = std::chrono::system_clock::now();
    const signaling::SignalingReply reply =
        socket_.got_text()
            ? protocol.onMessage(beast::buffers_to_string(buffer.data()), now, wallClock)
            : protocol.onBinaryMessage(now);
    buffer.consume(buffer.size());
    if (reply.rateLimited) {
      ++counters_.rateLimited;
    }
    if (reply.authFailure != signaling::TokenError::kNone) {
      ++counters_.authFailures[static_cast<std::size_t>(reply.authFailure)];
    }
    auto [writeError, bytesWritten] =
        co_await socket_.async_write(asio::buffer(reply.text), kUseTuple);
    if (writeError) {
      co_return;
    }
    if (reply.close) {
      // RFC 6455 §7.4.1: 1008, the message violated the server's policy (a refused token).
      co_await socket_.async_close(
          websocket::close_reason(websocket::close_code::policy_error, "unauthorized"), kUseTuple);
      co_return;
    }
  }
}

}  // namespace chorus::server
