#include "benchmarks/load/JanusSignaling.h"

#include <chrono>
#include <exception>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace chorus::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace json = boost::json;

namespace {

// Janus's session_timeout is 60 s (janus.jcfg); its README asks for one every 25-30 s.
constexpr std::chrono::seconds kKeepalive{20};
constexpr std::string_view kPlugin = "janus.plugin.videoroom";

std::int64_t idOf(const json::value& value) {
  return value.to_number<std::int64_t>();
}

// The VideoRoom's own reply inside an event or success: plugindata.data, or null.
const json::object* pluginData(const json::object& message) {
  const json::value* plugin = message.if_contains("plugindata");
  if (plugin == nullptr || !plugin->is_object()) {
    return nullptr;
  }
  const json::value* data = plugin->as_object().if_contains("data");
  return data != nullptr && data->is_object() ? &data->as_object() : nullptr;
}

json::object jsep(std::string_view type, std::string sdp) {
  return {{"type", type}, {"sdp", std::move(sdp)}};
}

}  // namespace

JanusSignaling::JanusSignaling(asio::any_io_executor executor, asio::ip::tcp::endpoint server)
    : server_(std::move(server)), socket_(executor), keepaliveTimer_(executor) {}

std::int64_t JanusSignaling::roomNumber(const std::string& room) {
  const auto dash = room.rfind('-');
  if (dash == std::string::npos) {
    return 1;
  }
  return std::stoll(room.substr(dash + 1)) + 1;
}

asio::awaitable<void> JanusSignaling::join(std::string room, std::string user) {
  room_ = roomNumber(room);
  co_await beast::get_lowest_layer(socket_).async_connect(server_, asio::use_awaitable);
  beast::get_lowest_layer(socket_).socket().set_option(asio::ip::tcp::no_delay(true));
  socket_.set_option(
      beast::websocket::stream_base::decorator([](beast::websocket::request_type& request) {
        request.set(beast::http::field::sec_websocket_protocol, "janus-protocol");
      }));
  co_await socket_.async_handshake(server_.address().to_string(), "/", asio::use_awaitable);
  socket_.text(true);

  const json::object created = co_await call({{"janus", "create"}}, 0);
  session_ = idOf(created.at("data").at("id"));
  asio::co_spawn(socket_.get_executor(), keepAlive(), asio::detached);
  const json::object attach{{"janus", "attach"}, {"plugin", kPlugin}};
  publisherHandle_ = idOf((co_await call(attach, 0)).at("data").at("id"));
  subscriberHandle_ = idOf((co_await call(attach, 0)).at("data").at("id"));
  const json::object joined = co_await call({{"janus", "message"},
                                             {"body", json::object{{"request", "join"},
                                                                   {"ptype", "publisher"},
                                                                   {"room", room_},
                                                                   {"display", std::move(user)}}}},
                                            publisherHandle_);
  const json::object* data = pluginData(joined);
  if (data == nullptr) {
    throw std::runtime_error("Janus joined without VideoRoom data");
  }
  ownFeed_ = idOf(data->at("id"));
}

asio::awaitable<std::string> JanusSignaling::publish(std::string offerSdp) {
  json::object configure{
      {"janus", "message"},
      {"body", json::object{{"request", "configure"}, {"audio", true}, {"video", true}}},
      {"jsep", jsep("offer", std::move(offerSdp))}};
  const json::object reply = co_await call(std::move(configure), publisherHandle_);
  const json::value* answer = reply.if_contains("jsep");
  if (answer == nullptr) {
    throw std::runtime_error("Janus configured without an answer");
  }
  co_return std::string(answer->at("sdp").as_string());
}

asio::awaitable<void> JanusSignaling::stayConnected() {
  for (;;) {
    keepEvent(co_await receive());
  }
}

asio::awaitable<SubscribeOffer> JanusSignaling::nextSubscribeOffer() {
  for (;;) {
    while (newFeeds_.empty()) {
      keepEvent(co_await receive());
    }
    json::array streams;
    for (const std::int64_t feed : newFeeds_) {
      streams.push_back(json::object{{"feed", feed}});
    }
    newFeeds_.clear();
    // Feeds published while this renegotiation runs wait in newFeeds_ for the next one.
    json::object body =
        subscriberJoined_
            ? json::object{{"request", "subscribe"}}
            : json::object{{"request", "join"}, {"ptype", "subscriber"}, {"room", room_}};
    body["streams"] = std::move(streams);
    const json::object reply =
        co_await call({{"janus", "message"}, {"body", std::move(body)}}, subscriberHandle_);
    subscriberJoined_ = true;
    if (const json::value* offer = reply.if_contains("jsep")) {
      co_return SubscribeOffer{++revision_, std::string(offer->at("sdp").as_string())};
    }
  }
}

asio::awaitable<void> JanusSignaling::answerSubscribe(std::int64_t /*revision*/,
                                                      std::string answerSdp) {
  co_await call({{"janus", "message"},
                 {"body", json::object{{"request", "start"}}},
                 {"jsep", jsep("answer", std::move(answerSdp))}},
                subscriberHandle_);
}

void JanusSignaling::close() {
  closed_ = true;
  keepaliveTimer_.cancel();
  beast::error_code ignored;
  beast::get_lowest_layer(socket_).socket().close(ignored);
}

asio::awaitable<json::object> JanusSignaling::call(json::object request, std::int64_t handle) {
  const std::string transaction = "t" + std::to_string(nextTransaction_++);
  request["transaction"] = transaction;
  if (session_ != 0) {
    request["session_id"] = session_;
  }
  if (handle != 0) {
    request["handle_id"] = handle;
  }
  const bool pluginMessage = request.at("janus") == "message";
  send(json::serialize(request));
  for (;;) {
    json::object message = co_await receive();
    const json::value* replyTransaction = message.if_contains("transaction");
    if (replyTransaction == nullptr || !replyTransaction->is_string() ||
        std::string_view(replyTransaction->as_string()) != transaction) {
      keepEvent(message);
      continue;
    }
    const json::value& kind = message.at("janus");
    if (kind == "error") {
      throw std::runtime_error("Janus refused " + json::serialize(request.at("janus")) + ": " +
                               json::serialize(message.at("error")));
    }
    // A VideoRoom request is acknowledged, then answered by an event (in either order);
    // anything else is answered by `success`.
    if (kind == "ack" || (pluginMessage && kind != "event" && kind != "success")) {
      continue;
    }
    if (const json::object* data = pluginData(message); data != nullptr) {
      if (data->contains("error_code")) {
        throw std::runtime_error("VideoRoom refused " +
                                 json::serialize(request.at("body").at("request")) + ": " +
                                 json::serialize(*data));
      }
      learnFeeds(*data);
    }
    co_return message;
  }
}

asio::awaitable<json::object> JanusSignaling::receive() {
  buffer_.clear();
  co_await socket_.async_read(buffer_, asio::use_awaitable);
  json::value message = json::parse(beast::buffers_to_string(buffer_.data()));
  co_return std::move(message.as_object());
}

// Beast allows one write at a time: the keepalive and the requests queue here.
void JanusSignaling::send(std::string text) {
  writes_.push_back(std::move(text));
  if (!writing_) {
    writing_ = true;
    asio::co_spawn(socket_.get_executor(), drainWrites(), asio::detached);
  }
}

asio::awaitable<void> JanusSignaling::drainWrites() {
  try {
    while (!writes_.empty() && !closed_) {
      co_await socket_.async_write(asio::buffer(writes_.front()), asio::use_awaitable);
      writes_.pop_front();
    }
  } catch (const std::exception&) {
    // The connection ended: the reading side fails too and reports it.
  }
  writing_ = false;
}

asio::awaitable<void> JanusSignaling::keepAlive() {
  while (!closed_) {
    keepaliveTimer_.expires_after(kKeepalive);
    beast::error_code error;
    co_await keepaliveTimer_.async_wait(asio::redirect_error(asio::use_awaitable, error));
    if (error || closed_) {
      co_return;
    }
    const json::object keepalive{{"janus", "keepalive"},
                                 {"session_id", session_},
                                 {"transaction", "k" + std::to_string(nextTransaction_++)}};
    send(json::serialize(keepalive));
  }
}

// Outside a reply, only the publisher handle's news of feeds matters to a load client; media,
// webrtcup, slowlink and acks to keepalives are read and let go.
void JanusSignaling::keepEvent(const json::object& message) {
  if (message.if_contains("janus") == nullptr || message.at("janus") != "event") {
    return;
  }
  if (const json::object* data = pluginData(message); data != nullptr) {
    if (data->contains("error_code")) {
      throw std::runtime_error("VideoRoom error: " + json::serialize(*data));
    }
    learnFeeds(*data);
  }
}

void JanusSignaling::learnFeeds(const json::object& data) {
  const json::value* publishers = data.if_contains("publishers");
  if (publishers == nullptr || !publishers->is_array()) {
    return;
  }
  for (const json::value& publisher : publishers->as_array()) {
    const std::int64_t feed = idOf(publisher.at("id"));
    if (feed != ownFeed_ && knownFeeds_.insert(feed).second) {
      newFeeds_.push_back(feed);
    }
  }
}

}  // namespace chorus::bench
