// signaling.allowed_origins against a real chorusd: a listed origin (in any case) connects,
// another is refused with 403 before the upgrade and counted, no Origin header connects.
#include <optional>
#include <stdexcept>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/ChorusdProcess.h"
#include "tests/integration/HttpProbe.h"
#include "tests/integration/WebSocketClient.h"
#include "tests/support/PrometheusText.h"

namespace chorus::test {
namespace {
using ::testing::HasSubstr;

std::string upgradeRequest(std::string_view origin) {
  return "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
         "Origin: " +
         std::string(origin) + "\r\n\r\n";
}

class OriginTest : public ::testing::Test {
 protected:
  std::optional<double> refused(std::string_view reason) const {
    return prometheusSample(
        httpGet(port_, "/metrics").body,
        R"(chorus_websocket_upgrades_refused_total{reason=")" + std::string(reason) + "\"}");
  }

  ChorusdProcess chorusd_{{"--http.port", "0", "--media.port_base", "0", "--media.tcp_port", "0",
                           "--workers.count", "1", "--signaling.allowed_origins",
                           "https://app.example.com,http://localhost:8080"}};
  std::uint16_t port_ = chorusd_.httpPort();
};

TEST_F(OriginTest, ListedOriginConnects) {
  WebSocketClient client(port_, "https://App.Example.com");
  EXPECT_THAT(client.receive().value_or(""), HasSubstr("\"hello\""));
  WebSocketClient local(port_, "http://localhost:8080");
  EXPECT_THAT(local.receive().value_or(""), HasSubstr("\"hello\""));
  EXPECT_EQ(refused("origin"), 0);
}

TEST_F(OriginTest, OtherOriginIsRefusedWith403BeforeTheUpgradeAndCounted) {
  for (const std::string_view origin :
       {"https://evil.example", "http://app.example.com", "http://localhost:8081", "null"}) {
    const HttpReply reply = httpExchange(port_, upgradeRequest(origin));
    EXPECT_EQ(reply.status, 403) << origin;
    EXPECT_FALSE(reply.body.empty());
    EXPECT_TRUE(reply.closedByServer);
  }
  EXPECT_THROW(WebSocketClient(port_, "https://evil.example"), std::runtime_error);
  EXPECT_EQ(refused("origin"), 5);
  EXPECT_EQ(refused("max_connections"), 0);
}

TEST_F(OriginTest, NoOriginHeaderConnects) {
  WebSocketClient client(port_);
  EXPECT_THAT(client.receive().value_or(""), HasSubstr("\"hello\""));
}

}  // namespace
}  // namespace chorus::test
