#include "tests/integration/SignalingClient.h"

#include <boost/json.hpp>

#include <gtest/gtest.h>

namespace chorus::test {
namespace json = boost::json;

json::object request(std::string_view type, int id, json::object fields) {
  fields["type"] = type;
  fields["id"] = id;
  return fields;
}

std::string errorCode(const json::object& reply) {
  const auto* error = reply.if_contains("error");
  return error != nullptr ? std::string(error->at("code").as_string()) : "";
}

SignalingClient::SignalingClient(std::uint16_t port) : socket_(port) {
  EXPECT_EQ(next().at("type"), "hello");
}

json::object SignalingClient::next() {
  const auto text = socket_.receive();
  EXPECT_TRUE(text.has_value()) << "no message (close code " << socket_.closeCode() << ")";
  return text ? json::parse(*text).as_object() : json::object();
}

json::object SignalingClient::call(const json::object& message) {
  EXPECT_TRUE(socket_.send(json::serialize(message)));
  auto reply = next();
  EXPECT_EQ(reply.at("id"), message.at("id")) << json::serialize(reply);
  return reply;
}

json::object SignalingClient::call(std::string_view type, json::object fields) {
  return call(request(type, ++id_, std::move(fields)));
}

void SignalingClient::expectQuiet() {
  const auto reply = call("ping");
  EXPECT_TRUE(reply.contains("result")) << json::serialize(reply);
}

}  // namespace chorus::test
