#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "tests/integration/WebSocketClient.h"

namespace chorus::test {

// {"type": type, "id": id, ...fields}
boost::json::object request(std::string_view type, int id, boost::json::object fields = {});

// The error code of a reply; empty for a result.
std::string errorCode(const boost::json::object& reply);

// A client of the WebSocket API for tests: it has read the hello, numbers its requests, and
// expects each reply to be the next message, which is what proves no event was pending.
class SignalingClient {
 public:
  explicit SignalingClient(std::uint16_t port);

  boost::json::object next();
  // Sends a request and returns its reply, which must be the next message.
  boost::json::object call(const boost::json::object& message);
  boost::json::object call(std::string_view type, boost::json::object fields = {});
  bool sendRaw(std::string_view text) { return socket_.send(text); }
  // Nothing is pending before the ping's reply.
  void expectQuiet();
  std::uint16_t closeCode() const { return socket_.closeCode(); }

 private:
  WebSocketClient socket_;
  int id_ = 0;
};

}  // namespace chorus::test
