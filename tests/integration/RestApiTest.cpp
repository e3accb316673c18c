// The REST API against a real chorusd: a client joins a room over the WebSocket with a minted
// token, then the application's backend sees it with GET over HTTP Basic, kicks it with DELETE,
// and the client is told room_left; and the calls are counted on /metrics.
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
// base64("app-1:0123456789abcdef0123456789abcdef-one"), as `printf %s ... | base64` prints it.
constexpr std::string_view kBasicCredentials =
    "YXBwLTE6MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYtb25l";

std::string applicationsFile() {
  return TestApplication{std::string(kApp), std::string(kSecret)}.writeFile(
      "chorus-rest-applications.yaml");
}

std::string token() {
  return TestApplication{std::string(kApp), std::string(kSecret)}.mint("alice",
                                                                       {.room = "standup"});
}

json::value receiveJson(WebSocketClient& client) {
  const auto text = client.receive();
  EXPECT_TRUE(text.has_value());
  return text ? json::parse(*text) : json::value();
}

class RestApiTest : public ::testing::Test {
 protected:
  HttpReply call(std::string_view method, std::string_view target,
                 std::string_view credentials = kBasicCredentials) const {
    std::string request = std::string(method) + " " + std::string(target) +
                          " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
    if (!credentials.empty()) {
      request += "Authorization: Basic " + std::string(credentials) + "\r\n";
    }
    return httpExchange(port_, request + "\r\n");
  }

  ChorusdProcess chorusd_{{"--http.port", "0", "--media.port_base", "0", "--media.tcp_port", "0",
                           "--workers.count", "1", "--auth.applications_file", applicationsFile()}};
  std::uint16_t port_ = chorusd_.httpPort();
};

TEST_F(RestApiTest, BackendSeesAndKicksAParticipantWhoIsTold) {
  WebSocketClient client(port_);
  ASSERT_EQ(receiveJson(client).at("type").as_string(), "hello");
  ASSERT_TRUE(client.send(R"({"type":"authenticate","id":"auth","token":")" + token() + "\"}"));
  ASSERT_TRUE(receiveJson(client).as_object().contains("result"));
  ASSERT_TRUE(client.send(R"({"type":"join","id":"join","room":"standup","kind":"conference"})"));
  const json::value joined = receiveJson(client);
  ASSERT_TRUE(joined.as_object().contains("result")) << json::serialize(joined);
  const std::string participant(joined.at("result").at("participant_id").as_string());

  const HttpReply listed = call("GET", "/api/v1/rooms");
  ASSERT_EQ(listed.status, 200) << listed.raw;
  EXPECT_EQ(json::parse(listed.body),
            json::parse(R"({"rooms":[{"id":"standup","kind":"conference","participants":1}]})"));
  const HttpReply room = call("GET", "/api/v1/rooms/standup");
  ASSERT_EQ(room.status, 200) << room.raw;
  const json::value described = json::parse(room.body);
  ASSERT_EQ(described.at("participants").as_array().size(), 1U);
  EXPECT_EQ(described.at("participants").at(0).at("participant_id").as_string(), participant);
  EXPECT_EQ(described.at("participants").at(0).at("user").as_string(), "alice");

  const HttpReply kicked = call("DELETE", "/api/v1/rooms/standup/participants/" + participant);
  EXPECT_EQ(kicked.status, 204) << kicked.raw;
  const json::value left = receiveJson(client);
  EXPECT_EQ(left.at("type").as_string(), "room_left");
  EXPECT_EQ(left.at("reason").as_string(), "kicked");
  EXPECT_EQ(call("GET", "/api/v1/rooms/standup/participants/" + participant).status, 405);
}

TEST_F(RestApiTest, RefusesMissingCredentialsAndCountsByStatus) {
  const HttpReply refused = call("GET", "/api/v1/rooms", "");
  EXPECT_EQ(refused.status, 401);
  EXPECT_THAT(refused.head, HasSubstr(R"(WWW-Authenticate: Basic realm="chorus")"));
  EXPECT_EQ(json::parse(refused.body).at("error").at("code").as_string(), "unauthorized");
  EXPECT_EQ(call("GET", "/api/v1/rooms/nowhere").status, 404);
  EXPECT_EQ(call("GET", "/api/v1/rooms/bad%zz").status, 400);

  const std::string metrics = httpGet(port_, "/metrics").body;
  EXPECT_TRUE(prometheusTextProblems(metrics).empty());
  EXPECT_EQ(prometheusSample(metrics, R"(chorus_rest_requests_total{status="401"})"), 1);
  EXPECT_EQ(prometheusSample(metrics, R"(chorus_rest_requests_total{status="404"})"), 1);
  EXPECT_EQ(prometheusSample(metrics, R"(chorus_rest_requests_total{status="400"})"), 1);
}

}  // namespace
}  // namespace chorus::test
