// dev_mode against a real chorusd: the warning banner, GET /dev/token and its token accepted
// on /ws, its 400s, and that none of it exists with dev_mode off.
#include <string>
#include <vector>

#include <boost/json.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/ChorusdProcess.h"
#include "tests/integration/HttpProbe.h"
#include "tests/integration/WebSocketClient.h"

namespace chorus::test {
namespace {
namespace json = boost::json;
using ::testing::HasSubstr;

std::vector<std::string> flags(std::string_view devMode) {
  return {"--http.port",       "0",
          "--media.port_base", "0",
          "--media.tcp_port",  "0",
          "--workers.count",   "1",
          "--dev_mode",        std::string(devMode)};
}

TEST(DevModeTest, TokenFromTheEndpointAuthenticatesOnTheWebSocket) {
  ChorusdProcess chorusd(flags("true"));
  const auto banner = chorusd.waitForLine("NEVER USE THIS CONFIGURATION IN PRODUCTION");
  ASSERT_TRUE(banner.has_value()) << chorusd.output();
  EXPECT_THAT(*banner, HasSubstr("warn"));
  const auto credentials = chorusd.waitForLine("key=chorus-dev");
  ASSERT_TRUE(credentials.has_value()) << chorusd.output();
  EXPECT_THAT(*credentials, HasSubstr("secret=chorus-dev-secret-"));
  const std::uint16_t port = chorusd.httpPort();

  const HttpReply reply = httpGet(port, "/dev/token?user=alice&room=caf%C3%A9");
  ASSERT_EQ(reply.status, 200) << reply.head;
  EXPECT_THAT(reply.head, HasSubstr("Content-Type: application/json"));
  EXPECT_THAT(reply.head, HasSubstr("Cache-Control: no-store"));
  const json::value body = json::parse(reply.body);
  EXPECT_EQ(body.at("user").as_string(), "alice");
  EXPECT_EQ(body.at("room").as_string(), "caf\xC3\xA9");
  EXPECT_GT(body.at("expires_at").as_int64(), 0);

  WebSocketClient client(port);
  ASSERT_TRUE(client.receive().has_value());  // hello
  ASSERT_TRUE(client.send(R"({"type":"authenticate","id":1,"token":")" +
                          std::string(body.at("token").as_string()) + "\"}"));
  const auto answer = client.receive();
  ASSERT_TRUE(answer.has_value());
  const json::value result = json::parse(*answer).at("result");
  EXPECT_EQ(result.at("user").as_string(), "alice");
  EXPECT_EQ(result.at("room").as_string(), "caf\xC3\xA9");
}

TEST(DevModeTest, BadQueryIsAJson400) {
  ChorusdProcess chorusd(flags("true"));
  const std::uint16_t port = chorusd.httpPort();
  for (const std::string target :
       {"/dev/token", "/dev/token?user=alice", "/dev/token?room=standup",
        "/dev/token?user=&room=standup", "/dev/token?user=alice&room=a%2"}) {
    const HttpReply reply = httpGet(port, target);
    EXPECT_EQ(reply.status, 400) << target;
    EXPECT_EQ(json::parse(reply.body).at("code").as_string(), "bad_request") << target;
  }
  const HttpReply tooLong = httpGet(port, "/dev/token?user=u&room=" + std::string(65, 'r'));
  EXPECT_EQ(tooLong.status, 400);
  EXPECT_EQ(json::parse(tooLong.body).at("code").as_string(), "room_id_too_long");
}

TEST(DevModeTest, OffByDefaultTheEndpointIsAnUnknownPathAndThereIsNoBanner) {
  ChorusdProcess chorusd(flags("false"));
  const std::uint16_t port = chorusd.httpPort();
  const HttpReply reply = httpGet(port, "/dev/token?user=alice&room=standup");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body, httpGet(port, "/no-such-file").body);
  EXPECT_THAT(chorusd.output(), ::testing::Not(HasSubstr("dev_mode")));
}

}  // namespace
}  // namespace chorus::test
