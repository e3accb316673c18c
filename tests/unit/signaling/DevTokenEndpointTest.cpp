#include <chrono>
#include <string>

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include "signaling/auth/DevApplication.h"
#include "signaling/auth/TokenVerifier.h"
#include "signaling/http/DevTokenEndpoint.h"

namespace chorus::signaling {
namespace {
namespace http = boost::beast::http;
namespace json = boost::json;
using namespace std::chrono_literals;

// 2023-11-14T22:13:20Z.
constexpr std::chrono::sys_seconds kNow{std::chrono::seconds(1700000000)};

class DevTokenEndpointTest : public ::testing::Test {
 protected:
  DevTokenEndpoint::Response get(std::string_view target) const {
    const DevTokenEndpoint::Request request{http::verb::get, target, 11};
    return endpoint_.handle(request, kNow + 400ms);
  }
  // The error code of a 400 answer, "" for any other.
  std::string errorCode(std::string_view target) const {
    const auto response = get(target);
    if (response.result() != http::status::bad_request) {
      return "";
    }
    EXPECT_EQ(response[http::field::content_type], "application/json");
    const json::value body = json::parse(response.body());
    EXPECT_FALSE(body.at("message").as_string().empty());
    return std::string(body.at("code").as_string());
  }

  DevTokenEndpoint endpoint_;
};

TEST_F(DevTokenEndpointTest, MintsAnHourLongTokenOfTheDevApplicationThatVerifies) {
  const auto response = get("/dev/token?user=alice&room=standup");
  ASSERT_EQ(response.result(), http::status::ok);
  EXPECT_EQ(response[http::field::content_type], "application/json");
  EXPECT_EQ(response[http::field::cache_control], "no-store");
  const json::value body = json::parse(response.body());
  EXPECT_EQ(body.at("user").as_string(), "alice");
  EXPECT_EQ(body.at("room").as_string(), "standup");
  EXPECT_EQ(body.at("expires_at").as_int64(), 1700003600);

  ApplicationRegistry applications;
  applications.add(std::string(kDevApplicationKey), std::string(kDevApplicationSecret));
  const TokenVerifier verifier(std::move(applications));
  const auto verified = verifier.verify(body.at("token").as_string(), kNow);
  ASSERT_TRUE(verified.token) << toString(verified.error);
  EXPECT_EQ(verified.token->application, kDevApplicationKey);
  EXPECT_EQ(verified.token->user, "alice");
  EXPECT_EQ(verified.token->room.text(), "standup");
  EXPECT_FALSE(verified.token->room.isPrefix());
  EXPECT_TRUE(verified.token->publish);
  EXPECT_TRUE(verified.token->subscribe);
  EXPECT_EQ(verified.token->notBefore, kNow);
  EXPECT_EQ(verified.token->expiresAt, kNow + 1h);
}

TEST_F(DevTokenEndpointTest, QueryIsPercentDecoded) {
  const auto response = get("/dev/token?room=caf%C3%A9-ouvert&user=J%C3%BCrgen+M");
  ASSERT_EQ(response.result(), http::status::ok);
  const json::value body = json::parse(response.body());
  EXPECT_EQ(body.at("user").as_string(), "J\xC3\xBCrgen M");
  EXPECT_EQ(body.at("room").as_string(), "caf\xC3\xA9-ouvert");
}

TEST_F(DevTokenEndpointTest, MissingOrEmptyUserOrRoomIsBadRequest) {
  EXPECT_EQ(errorCode("/dev/token"), "bad_request");
  EXPECT_EQ(errorCode("/dev/token?room=standup"), "bad_request");
  EXPECT_EQ(errorCode("/dev/token?user=&room=standup"), "bad_request");
  EXPECT_EQ(errorCode("/dev/token?user=alice"), "bad_request");
  EXPECT_EQ(errorCode("/dev/token?user=alice&room="), "bad_request");
  EXPECT_EQ(errorCode("/dev/token?user=alice&room=%4"), "bad_request");
  EXPECT_EQ(errorCode("/dev/token?user=alice&room=%zz"), "bad_request");
}

TEST_F(DevTokenEndpointTest, UserIsAtMost256BytesOfUtf8) {
  EXPECT_EQ(errorCode("/dev/token?room=r&user=" + std::string(256, 'u')), "");
  EXPECT_EQ(errorCode("/dev/token?room=r&user=" + std::string(257, 'u')), "bad_request");
  EXPECT_EQ(errorCode("/dev/token?room=r&user=%FF"), "bad_request");
}

TEST_F(DevTokenEndpointTest, RoomIdFollowsTheRoomIdRule) {
  std::string sixtyFourCats;
  for (int i = 0; i < 64; ++i) {
    sixtyFourCats += "%F0%9F%90%88";  // U+1F408, four bytes
  }
  EXPECT_EQ(errorCode("/dev/token?user=u&room=" + sixtyFourCats), "");
  EXPECT_EQ(errorCode("/dev/token?user=u&room=" + sixtyFourCats + "a"), "room_id_too_long");
  EXPECT_EQ(errorCode("/dev/token?user=u&room=" + std::string(65, 'r')), "room_id_too_long");
  EXPECT_EQ(errorCode("/dev/token?user=u&room=team%2F*"), "room_id_invalid");
  EXPECT_EQ(errorCode("/dev/token?user=u&room=*"), "room_id_invalid");
  EXPECT_EQ(errorCode("/dev/token?user=u&room=a%09b"), "room_id_invalid");
  EXPECT_EQ(errorCode("/dev/token?user=u&room=a%7Fb"), "room_id_invalid");
  EXPECT_EQ(errorCode("/dev/token?user=u&room=%C0%AF"), "room_id_invalid");  // overlong '/'
}

}  // namespace
}  // namespace chorus::signaling
