#include "server/http/WebSocketSession.h"

#include <chrono>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "server/log/Logging.h"
#include "signaling/ws/SignalingProtocol.h"

namespace chorus::server {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace asio::experimental::awaitable_operators;

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

template <typename Stream>
WebSocketSession<Stream>::WebSocketSession(Stream stream, const Config::Signaling& config,
                                           const signaling::TokenVerifier& verifier,
                                           signaling::RoomRegistry& rooms,
                                           signaling::ServerDrain& drain,
                                           WebSocketCounters& counters)
    : socket_(std::move(stream)),
      config_(config),
      verifier_(verifier),
      rooms_(rooms),
      drain_(drain),
      counters_(counters),
      wakeup_(socket_.get_executor()) {}

template <typename Stream>
asio::awaitable<void> WebSocketSession<Stream>::run(
    beast::http::request<beast::http::string_body> upgrade) {
  const OpenConnection open(counters_.open);
  ++counters_.accepted;
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
  const auto now = std::chrono::steady_clock::now();
  signaling::SignalingProtocol protocol(verifier_, limits, now, rooms_, drain_, *this);
  socket_.text(true);
  protocol.open(now);
  // Whichever loop ends first (the client left, a write failed, a refused token was answered)
  // cancels the other.
  co_await (readLoop(protocol) || writeLoop());
  protocol.onClosed(std::chrono::steady_clock::now());
}

template <typename Stream>
asio::awaitable<void> WebSocketSession<Stream>::readLoop(signaling::SignalingProtocol& protocol) {
  beast::flat_buffer buffer;
  for (;;) {
    auto [readError, bytesRead] = co_await socket_.async_read(buffer, kUseTuple);
    if (readError) {
      // Closed by the client, timed out, or over read_message_max (Beast has sent 1009). Anything
      // but a close the client asked for is worth a line: the participant's media will stop
      // when its resume window ends.
      if (readError != websocket::error::closed) {
        spdlog::info("websocket_closed reason={}", logValue(readError.message()));
      }
      co_return;
    }
    const auto now = std::chrono::steady_clock::now();
    const auto wallClock = std::chrono::system_clock::now();
    handling_ = true;
    signaling::SignalingReply reply =
        socket_.got_text()
            ? protocol.onMessage(beast::buffers_to_string(buffer.data()), now, wallClock)
            : protocol.onBinaryMessage(now);
    handling_ = false;
    buffer.consume(buffer.size());
    if (reply.rateLimited) {
      ++counters_.rateLimited;
    }
    if (reply.authFailure != signaling::TokenError::kNone) {
      ++counters_.authFailures[static_cast<std::size_t>(reply.authFailure)];
    }
    enqueue(std::move(reply.text));
    for (auto& event : deferred_) {
      enqueue(std::move(event));
    }
    deferred_.clear();
    if (reply.close) {
      closeAfterFlush_ = true;
      wakeup_.cancel();
      // Nothing more is read: the writer sends the reply, then closes.
      co_await asio::steady_timer(socket_.get_executor(), asio::steady_timer::time_point::max())
          .async_wait(kUseTuple);
      co_return;
    }
  }
}

template <typename Stream>
asio::awaitable<void> WebSocketSession<Stream>::writeLoop() {
  for (;;) {
    if (overflowed_) {
      spdlog::warn("websocket_slow_consumer queued_bytes={}", outboxBytes_);
      beast::error_code ignored;
      beast::get_lowest_layer(socket_).socket().close(ignored);
      co_return;
    }
    if (outbox_.empty() && closeAfterFlush_) {
      // RFC 6455 §7.4.1: 1008, the message violated the server's policy (a refused token).
      co_await socket_.async_close(
          websocket::close_reason(websocket::close_code::policy_error, "unauthorized"), kUseTuple);
      co_return;
    }
    if (outbox_.empty()) {
      wakeup_.expires_at(asio::steady_timer::time_point::max());
      auto [waitError] = co_await wakeup_.async_wait(kUseTuple);
      if (waitError != asio::error::operation_aborted) {
        co_return;
      }
      // Woken by new messages, or cancelled because the session ends: the loop decides.
      const auto state = co_await asio::this_coro::cancellation_state;
      if (state.cancelled() != asio::cancellation_type::none) {
        co_return;
      }
      continue;
    }
    const std::string message = std::move(outbox_.front());
    outbox_.pop_front();
    outboxBytes_ -= message.size();
    auto [writeError, bytesWritten] =
        co_await socket_.async_write(asio::buffer(message), kUseTuple);
    if (writeError) {
      co_return;
    }
  }
}

template <typename Stream>
void WebSocketSession<Stream>::sendEvent(std::string text) {
  if (handling_) {
    deferred_.push_back(std::move(text));
    return;
  }
  enqueue(std::move(text));
}

template <typename Stream>
void WebSocketSession<Stream>::enqueue(std::string text) {
  outboxBytes_ += text.size();
  outbox_.push_back(std::move(text));
  overflowed_ = overflowed_ || outboxBytes_ > kMaxOutboxBytes;
  wakeup_.cancel();
}

// Beast tears a WebSocket over TLS down with close_notify (RFC 8446 §6.1) before the TCP close.
template class WebSocketSession<beast::tcp_stream>;
template class WebSocketSession<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace chorus::server
