#include "benchmarks/load/ChorusSignaling.h"

#include <chrono>
#include <stdexcept>
#include <utility>

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "signaling/auth/AccessToken.h"
#include "signaling/auth/RoomPattern.h"
#include "signaling/auth/TokenMinter.h"

namespace chorus::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace json = boost::json;

namespace {

std::string mintToken(const ChorusEndpoint& endpoint, std::string user) {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const signaling::AccessToken token{.application = endpoint.applicationKey,
                                     .user = std::move(user),
                                     .notBefore = now,
                                     .expiresAt = now + std::chrono::hours(6),
                                     .issuedAt = now,
                                     .room = *signaling::RoomPattern::parse("*"),
                                     .publish = true,
                                     .subscribe = true};
  return signaling::TokenMinter(endpoint.applicationSecret).mint(token);
}

}  // namespace

ChorusSignaling::ChorusSignaling(asio::any_io_executor executor, ChorusEndpoint endpoint)
    : endpoint_(std::move(endpoint)), socket_(std::move(executor)) {}

asio::awaitable<void> ChorusSignaling::join(std::string room, std::string user) {
  co_await beast::get_lowest_layer(socket_).async_connect(endpoint_.http, asio::use_awaitable);
  beast::get_lowest_layer(socket_).socket().set_option(asio::ip::tcp::no_delay(true));
  co_await socket_.async_handshake(endpoint_.http.address().to_string(), "/ws",
                                   asio::use_awaitable);
  const json::object hello = co_await receive();
  if (hello.if_contains("type") == nullptr || hello.at("type") != "hello") {
    throw std::runtime_error("no hello");
  }
  co_await call({{"type", "authenticate"}, {"token", mintToken(endpoint_, user)}});
  co_await call({{"type", "join"},
                 {"room", std::move(room)},
                 {"kind", "conference"},
                 {"name", std::move(user)}});
}

asio::awaitable<std::string> ChorusSignaling::publish(std::string offerSdp) {
  const json::object result = co_await call({{"type", "publish"}, {"sdp", std::move(offerSdp)}});
  co_return std::string(result.at("sdp").as_string());
}

asio::awaitable<void> ChorusSignaling::stayConnected() {
  for (;;) {
    keepEvent(co_await receive());
  }
}

asio::awaitable<SubscribeOffer> ChorusSignaling::nextSubscribeOffer() {
  while (offers_.empty()) {
    keepEvent(co_await receive());
  }
  SubscribeOffer offer = std::move(offers_.front());
  offers_.pop_front();
  co_return offer;
}

asio::awaitable<void> ChorusSignaling::answerSubscribe(std::int64_t revision,
                                                       std::string answerSdp) {
  co_await call(
      {{"type", "subscribe_answer"}, {"revision", revision}, {"sdp", std::move(answerSdp)}});
}

void ChorusSignaling::close() {
  beast::error_code ignored;
  beast::get_lowest_layer(socket_).socket().close(ignored);
}

asio::awaitable<json::object> ChorusSignaling::call(json::object request) {
  const std::int64_t id = nextId_++;
  request["id"] = id;
  const std::string text = json::serialize(request);
  co_await socket_.async_write(asio::buffer(text), asio::use_awaitable);
  for (;;) {
    json::object message = co_await receive();
    const json::value* replyId = message.if_contains("id");
    if (replyId == nullptr) {
      keepEvent(message);
      continue;
    }
    if (!replyId->is_int64() || replyId->as_int64() != id) {
      throw std::runtime_error("reply out of order: " + json::serialize(message));
    }
    if (const json::value* error = message.if_contains("error")) {
      throw std::runtime_error(std::string(request.at("type").as_string()) +
                               " refused: " + json::serialize(*error));
    }
    co_return std::move(message.at("result").as_object());
  }
}

asio::awaitable<json::object> ChorusSignaling::receive() {
  buffer_.clear();
  co_await socket_.async_read(buffer_, asio::use_awaitable);
  json::value message = json::parse(beast::buffers_to_string(buffer_.data()));
  co_return std::move(message.as_object());
}

// Only subscribe offers matter to a load client; presence events and transport states are
// read and let go.
void ChorusSignaling::keepEvent(const json::object& event) {
  const json::value* type = event.if_contains("type");
  if (type == nullptr || *type != "subscribe_offer") {
    return;
  }
  offers_.push_back({event.at("revision").as_int64(), std::string(event.at("sdp").as_string())});
}

}  // namespace chorus::bench
