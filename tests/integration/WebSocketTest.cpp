// The WebSocket endpoint /ws against a real chorusd: hello first, the envelope and its errors,
// the size and rate limits, authentication with minted tokens, and that nothing one client sends
// disturbs the server for the next.
#include <chrono>
#include <string>

#include <boost/json.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/ChorusdProcess.h"
#include "tests/integration/HttpProbe.h"
#include "tests/integration/TestApplication.h"
#include "tests/integration/WebSocketClient.h"
#include "tests/support/PrometheusText.h"

namespace chorus::test {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr std::string_view kApp = "app-1";
constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef-one";
constexpr int kMaxMessageBytes = 2048;
constexpr int kMessagesPerSecond = 5;

std::string applicationsFile() {
  return TestApplication{std::string(kApp), std::string(kSecret)}.writeFile(
      "chorus-ws-applications.yaml");
}

std::string token(std::string_view secret, std::chrono::seconds validFor) {
  return TestApplication{std::string(kApp), std::string(secret)}.mint(
      "alice", {.room = "standup", .validFor = validFor});
}

std::string authenticate(const std::string& token) {
  return R"({"type":"authenticate","id":"auth","token":")" + token + "\"}";
}

class WebSocketTest : public ::testing::Test {
 protected:
  static json::value receiveJson(WebSocketClient& client) {
    const auto text = client.receive();
    EXPECT_TRUE(text.has_value());
    return text ? json::parse(*text) : json::value();
  }
  static std::string errorCode(const json::value& reply) {
    const auto* error = reply.as_object().if_contains("error");
    return error != nullptr ? std::string(error->at("code").as_string()) : "";
  }
  // A client that has read its hello.
  WebSocketClient connect() const {
    WebSocketClient client(port_);
    const json::value hello = receiveJson(client);
    EXPECT_EQ(hello.at("type").as_string(), "hello");
    return client;
  }

  ChorusdProcess chorusd_{{"--http.port", "0", "--media.port_base", "0", "--media.tcp_port", "0",
                           "--workers.count", "1", "--signaling.max_message_bytes",
                           std::to_string(kMaxMessageBytes), "--signaling.messages_per_second",
                           std::to_string(kMessagesPerSecond), "--auth.applications_file",
                           applicationsFile()}};
  std::uint16_t port_ = chorusd_.httpPort();
};

TEST_F(WebSocketTest, HelloComesFirstWithTheLimits) {
  WebSocketClient client(port_);
  const json::value hello = receiveJson(client);
  EXPECT_EQ(hello.at("type").as_string(), "hello");
  EXPECT_EQ(hello.at("protocol").as_int64(), 1);
  EXPECT_EQ(hello.at("limits").at("max_message_bytes").to_number<int>(), kMaxMessageBytes);
  EXPECT_EQ(hello.at("limits").at("messages_per_second").to_number<int>(), kMessagesPerSecond);
}

TEST_F(WebSocketTest, MalformedJsonIsBadRequestAndTheConnectionStaysUsable) {
  WebSocketClient client = connect();
  ASSERT_TRUE(client.send("{\"type\": \"ping\", \"id\": "));
  const json::value reply = receiveJson(client);
  EXPECT_TRUE(reply.at("id").is_null());
  EXPECT_EQ(errorCode(reply), "bad_request");
  ASSERT_TRUE(client.send(R"({"type":"teleport","id":17})"));
  const json::value unknown = receiveJson(client);
  EXPECT_EQ(unknown.at("id").as_int64(), 17);
  EXPECT_EQ(errorCode(unknown), "unknown_type");
}

TEST_F(WebSocketTest, GoodTokenAuthenticatesAndPingAnswers) {
  WebSocketClient client = connect();
  ASSERT_TRUE(client.send(R"({"type":"ping","id":1})"));
  EXPECT_EQ(errorCode(receiveJson(client)), "unauthorized");
  ASSERT_TRUE(client.send(authenticate(token(kSecret, 3600s))));
  const json::value reply = receiveJson(client);
  EXPECT_EQ(reply.at("id").as_string(), "auth");
  EXPECT_EQ(reply.at("result").at("user").as_string(), "alice");
  EXPECT_EQ(reply.at("result").at("room").as_string(), "standup");
  ASSERT_TRUE(client.send(R"({"type":"ping","id":2})"));
  EXPECT_TRUE(receiveJson(client).at("result").as_object().empty());
}

TEST_F(WebSocketTest, ExpiredAndForgedTokensAreUnauthorizedClosedAndCounted) {
  for (const std::string& bad :
       {token(kSecret, -3600s), token("0123456789abcdef0123456789abcdef-two", 3600s)}) {
    WebSocketClient client = connect();
    ASSERT_TRUE(client.send(authenticate(bad)));
    EXPECT_EQ(errorCode(receiveJson(client)), "unauthorized");
    EXPECT_FALSE(client.receive().has_value());
    EXPECT_EQ(client.closeCode(), 1008);
  }
  const std::string metrics = httpGet(port_, "/metrics").body;
  EXPECT_EQ(prometheusSample(metrics, R"(chorus_auth_failures_total{reason="expired"})"), 1);
  EXPECT_EQ(prometheusSample(metrics, R"(chorus_auth_failures_total{reason="bad_signature"})"), 1);
}

TEST_F(WebSocketTest, OversizedMessageClosesWith1009AndOthersAreUndisturbed) {
  WebSocketClient observer = connect();
  {
    WebSocketClient client = connect();
    ASSERT_TRUE(client.send(std::string(kMaxMessageBytes + 1, 'x')));
    EXPECT_FALSE(client.receive().has_value());
    EXPECT_EQ(client.closeCode(), 1009);
  }
  WebSocketClient next = connect();
  ASSERT_TRUE(next.send(authenticate(token(kSecret, 3600s))));
  EXPECT_EQ(receiveJson(next).at("result").at("user").as_string(), "alice");
  ASSERT_TRUE(next.send(R"({"type":"ping","id":"after"})"));
  EXPECT_EQ(receiveJson(next).at("id").as_string(), "after");
  ASSERT_TRUE(observer.send(R"({"type":"teleport","id":3})"));
  EXPECT_EQ(errorCode(receiveJson(observer)), "unknown_type");
}

TEST_F(WebSocketTest, FloodIsRateLimitedAndCounted) {
  WebSocketClient client = connect();
  // The burst is twice the rate; sent back to back, far faster than the refill.
  constexpr int kSent = kMessagesPerSecond * 2 + 20;
  for (int i = 0; i < kSent; ++i) {
    ASSERT_TRUE(client.send(R"({"type":"teleport","id":)" + std::to_string(i) + "}"));
  }
  int limited = 0;
  for (int i = 0; i < kSent; ++i) {
    const json::value reply = receiveJson(client);
    EXPECT_EQ(reply.at("id").as_int64(), i);
    limited += errorCode(reply) == "rate_limited" ? 1 : 0;
  }
  EXPECT_GE(limited, 1);
  EXPECT_GE(prometheusSample(httpGet(port_, "/metrics").body, "chorus_websocket_rate_limited_total")
                .value_or(0),
            limited);
}

TEST_F(WebSocketTest, ConnectionsGaugeCountsOpenSockets) {
  WebSocketClient first = connect();
  WebSocketClient second = connect();
  EXPECT_EQ(prometheusSample(httpGet(port_, "/metrics").body, "chorus_websocket_connections"), 2);
}

TEST_F(WebSocketTest, ConnectionsTotalCountsClosedSocketsToo) {
  { WebSocketClient closed = connect(); }
  WebSocketClient open = connect();
  EXPECT_EQ(prometheusSample(httpGet(port_, "/metrics").body, "chorus_websocket_connections_total"),
            2);
}

TEST_F(WebSocketTest, PlainGetOfWsIsUpgradeRequired) {
  const auto reply = httpGet(port_, "/ws");
  EXPECT_EQ(reply.status, 426);
  EXPECT_THAT(reply.head, HasSubstr("Upgrade: websocket"));
}

TEST(WebSocketLimitTest, UpgradesBeyondMaxConnectionsGet503) {
  ChorusdProcess chorusd({"--http.port", "0", "--media.port_base", "0", "--media.tcp_port", "0",
                          "--workers.count", "1", "--signaling.max_connections", "1"});
  const std::uint16_t port = chorusd.httpPort();
  WebSocketClient first(port);
  ASSERT_TRUE(first.receive().has_value());
  EXPECT_THROW(WebSocketClient second(port), std::runtime_error);
}

}  // namespace
}  // namespace chorus::test
