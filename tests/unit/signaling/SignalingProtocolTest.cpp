// The WebSocket message envelope without a socket: hello, ids echoed, every error code, the
// rate limit with a fake clock, and authentication with real minted tokens.
#include <chrono>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include "signaling/auth/ApplicationRegistry.h"
#include "signaling/auth/TokenMinter.h"
#include "signaling/auth/TokenVerifier.h"
#include "signaling/ws/SignalingProtocol.h"
#include "tests/support/FakeMediaTransports.h"

namespace chorus::signaling {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = TokenBucket::Clock;

constexpr std::string_view kApp = "app-1";
constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef-one";
const std::chrono::sys_seconds kWallNow{1'700'000'000s};
const Clock::time_point kStart{};

TokenVerifier verifier() {
  ApplicationRegistry applications;
  applications.add(std::string(kApp), std::string(kSecret));
  return TokenVerifier(std::move(applications));
}

std::string token(std::string_view secret, std::chrono::sys_seconds expiresAt) {
  const AccessToken claims{.application = std::string(kApp),
                           .user = "alice",
                           .notBefore = kWallNow - 2h,
                           .expiresAt = expiresAt,
                           .issuedAt = std::nullopt,
                           .room = *RoomPattern::parse("team-a/*")};
  return TokenMinter(std::string(secret)).mint(claims);
}

// A resume window other than the default, so that the hello is seen to announce the policy's.
RoomPolicy policy() {
  RoomPolicy policy;
  policy.resumeWindow = 20s;
  return policy;
}

class SignalingProtocolTest : public ::testing::Test {
 protected:
  json::value send(std::string_view text, Clock::time_point now = kStart) {
    last_ = protocol_.onMessage(text, now, kWallNow);
    return json::parse(last_.text);
  }
  static std::string errorCode(const json::value& reply) {
    return std::string(reply.at("error").at("code").as_string());
  }

  TokenVerifier verifier_ = verifier();
  test::FakeMediaTransports transports_;
  RoomRegistry rooms_{policy(), transports_};
  ServerDrain drain_{60s};
  test::RecordingConnection connection_;
  SignalingProtocol protocol_{verifier_,  SignalingLimits{4096, 5}, kStart, rooms_, drain_,
                              connection_};
  SignalingReply last_;
};

TEST_F(SignalingProtocolTest, HelloIsExactlyAsDocumented) {
  EXPECT_EQ(protocol_.hello(),
            R"({"type":"hello","protocol":1,"limits":{"max_message_bytes":4096,)"
            R"("messages_per_second":5,"message_burst":10},"resume_window_seconds":20})");
}

TEST_F(SignalingProtocolTest, HelloCarriesVersionAndLimits) {
  const json::value hello = json::parse(protocol_.hello());
  EXPECT_EQ(hello.at("type").as_string(), "hello");
  EXPECT_EQ(hello.at("protocol").as_int64(), 1);
  EXPECT_EQ(hello.at("limits").at("max_message_bytes").to_number<int>(), 4096);
  EXPECT_EQ(hello.at("limits").at("messages_per_second").to_number<double>(), 5);
  EXPECT_EQ(hello.at("limits").at("message_burst").to_number<double>(), 10);
  EXPECT_EQ(hello.at("resume_window_seconds").to_number<int>(), 20);
}

TEST_F(SignalingProtocolTest, MalformedMessagesAreBadRequestsWithNullId) {
  for (const std::string_view text :
       {"{not json", "[1,2]", "\"text\"", "{}", R"({"type":"ping"})", R"({"type":"ping","id":1.5})",
        R"({"type":"ping","id":[1]})", R"({"type":"ping","id":null})"}) {
    const json::value reply = send(text);
    EXPECT_TRUE(reply.at("id").is_null()) << text;
    EXPECT_EQ(errorCode(reply), "bad_request") << text;
    EXPECT_FALSE(last_.close) << text;
  }
}

TEST_F(SignalingProtocolTest, MissingOrIllTypedTypeEchoesTheId) {
  const json::value missing = send(R"({"id":"a1"})");
  EXPECT_EQ(missing.at("id").as_string(), "a1");
  EXPECT_EQ(errorCode(missing), "bad_request");
  const json::value number = send(R"({"id":7,"type":3})");
  EXPECT_EQ(number.at("id").as_int64(), 7);
  EXPECT_EQ(errorCode(number), "bad_request");
}

TEST_F(SignalingProtocolTest, UnknownTypeEchoesStringAndIntegerIds) {
  const json::value byString = send(R"({"id":"x","type":"fly"})");
  EXPECT_EQ(byString.at("id").as_string(), "x");
  EXPECT_EQ(errorCode(byString), "unknown_type");
  const json::value byNumber = send(R"({"id":42,"type":"fly"})");
  EXPECT_EQ(byNumber.at("id").as_int64(), 42);
  EXPECT_EQ(errorCode(byNumber), "unknown_type");
}

TEST_F(SignalingProtocolTest, LongUnknownTypeIsEchoedCutAtACharacterBoundary) {
  // 63 ASCII bytes then "é" (2 bytes) straddles the 64-byte cut: the whole "é" goes.
  const std::string type = std::string(63, 'a') + "\xC3\xA9" + std::string(100, 'b');
  const json::value reply = send(R"({"id":1,"type":")" + type + "\"}");
  EXPECT_EQ(reply.at("error").at("message").as_string(), "unknown type: " + std::string(63, 'a'));
}

TEST_F(SignalingProtocolTest, OverTheRateEvenGarbageIsRateLimited) {
  for (int i = 0; i < 10; ++i) {
    send("garbage");
  }
  const json::value reply = send("garbage");
  EXPECT_TRUE(reply.at("id").is_null());
  EXPECT_EQ(errorCode(reply), "rate_limited");
  EXPECT_TRUE(last_.rateLimited);
}

TEST_F(SignalingProtocolTest, PingNeedsAuthentication) {
  const json::value reply = send(R"({"id":1,"type":"ping"})");
  EXPECT_EQ(errorCode(reply), "unauthorized");
  EXPECT_FALSE(last_.close);
  EXPECT_EQ(last_.authFailure, TokenError::kNone);
}

TEST_F(SignalingProtocolTest, GoodTokenAuthenticatesThenPingAnswersEmptyResult) {
  const std::string good = token(kSecret, kWallNow + 3600s);
  const json::value reply = send(R"({"id":"auth","type":"authenticate","token":")" + good + "\"}");
  EXPECT_EQ(reply.at("id").as_string(), "auth");
  EXPECT_EQ(reply.at("result").at("user").as_string(), "alice");
  EXPECT_EQ(reply.at("result").at("room").as_string(), "team-a/*");
  ASSERT_TRUE(protocol_.identity().has_value());
  const json::value ping = send(R"({"id":2,"type":"ping"})");
  EXPECT_EQ(ping.at("id").as_int64(), 2);
  EXPECT_TRUE(ping.at("result").as_object().empty());
}

TEST_F(SignalingProtocolTest, ExpiredTokenIsUnauthorizedClosesAndNamesTheReason) {
  const std::string expired = token(kSecret, kWallNow - 3600s);
  const json::value reply = send(R"({"id":1,"type":"authenticate","token":")" + expired + "\"}");
  EXPECT_EQ(errorCode(reply), "unauthorized");
  EXPECT_TRUE(last_.close);
  EXPECT_EQ(last_.authFailure, TokenError::kExpired);
  EXPECT_FALSE(protocol_.identity().has_value());
}

TEST_F(SignalingProtocolTest, WrongSecretIsBadSignature) {
  const std::string forged = token("0123456789abcdef0123456789abcdef-two", kWallNow + 3600s);
  send(R"({"id":1,"type":"authenticate","token":")" + forged + "\"}");
  EXPECT_TRUE(last_.close);
  EXPECT_EQ(last_.authFailure, TokenError::kBadSignature);
}

TEST_F(SignalingProtocolTest, AuthenticateWithoutTokenIsBadRequest) {
  EXPECT_EQ(errorCode(send(R"({"id":1,"type":"authenticate","token":5})")), "bad_request");
  EXPECT_FALSE(last_.close);
}

TEST_F(SignalingProtocolTest, BurstThenRateLimitedThenRefilled) {
  // Burst 10 at 5/s: ten go through at once, the eleventh is refused, 200 ms later one more.
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(errorCode(send(R"({"id":1,"type":"fly"})")), "unknown_type") << i;
    EXPECT_FALSE(last_.rateLimited);
  }
  const json::value limited = send(R"({"id":"z","type":"fly"})");
  EXPECT_EQ(limited.at("id").as_string(), "z");
  EXPECT_EQ(errorCode(limited), "rate_limited");
  EXPECT_TRUE(last_.rateLimited);
  EXPECT_FALSE(last_.close);
  EXPECT_EQ(errorCode(send(R"({"id":1,"type":"fly"})", kStart + 100ms)), "rate_limited");
  EXPECT_EQ(errorCode(send(R"({"id":1,"type":"fly"})", kStart + 200ms)), "unknown_type");
}

TEST_F(SignalingProtocolTest, BinaryMessageIsBadRequestAndCountsAgainstTheRate) {
  for (int i = 0; i < 10; ++i) {
    last_ = protocol_.onBinaryMessage(kStart);
    const json::value reply = json::parse(last_.text);
    EXPECT_TRUE(reply.at("id").is_null());
    EXPECT_EQ(errorCode(reply), "bad_request");
  }
  last_ = protocol_.onBinaryMessage(kStart);
  EXPECT_EQ(errorCode(json::parse(last_.text)), "rate_limited");
  EXPECT_TRUE(last_.rateLimited);
}

TEST_F(SignalingProtocolTest, OpenSendsTheHelloAndDuringADrainTheDrainingEventAfterIt) {
  protocol_.open(kStart);
  ASSERT_EQ(connection_.events.size(), 1U);
  EXPECT_EQ(connection_.events[0], protocol_.hello());
  drain_.start(kStart + 1s, kWallNow);
  ASSERT_EQ(connection_.events.size(), 2U);
  EXPECT_EQ(json::parse(connection_.events[1]).at("type").as_string(), "server_draining");

  test::RecordingConnection late;
  SignalingProtocol opened{verifier_, SignalingLimits{4096, 5}, kStart, rooms_, drain_, late};
  opened.open(kStart + 2s);
  ASSERT_EQ(late.events.size(), 2U);
  EXPECT_EQ(late.events[0], opened.hello());
  EXPECT_EQ(json::parse(late.events[1]).at("seconds_left").as_int64(), 59);
  opened.onClosed(kStart + 3s);
  protocol_.onClosed(kStart + 3s);
  drain_.start(kStart + 4s, kWallNow);  // closed connections hear nothing more
  EXPECT_EQ(late.events.size(), 2U);
  EXPECT_EQ(connection_.events.size(), 2U);
}

TEST_F(SignalingProtocolTest, JoinDuringADrainIsRefusedWithServerDraining) {
  const std::string good = token(kSecret, kWallNow + 3600s);
  send(R"({"id":1,"type":"authenticate","token":")" + good + "\"}");
  drain_.start(kStart, kWallNow);
  const json::value reply = send(R"({"id":2,"type":"join","room":"team-a/x"})");
  EXPECT_EQ(reply.at("id").as_int64(), 2);
  EXPECT_EQ(errorCode(reply), "server_draining");
  EXPECT_FALSE(last_.close);
  EXPECT_EQ(rooms_.participantCount(), 0U);
  EXPECT_EQ(
      rooms_.counters().joinsRefused[static_cast<std::size_t>(SignalingError::kServerDraining)],
      1U);  // chorus_joins_refused_total{reason="server_draining"}
  EXPECT_TRUE(send(R"({"id":3,"type":"ping"})").as_object().contains("result"));
}

TEST(TokenBucketTest, RefillsAtTheRateUpToTheBurst) {
  TokenBucket bucket(2, 3, kStart);
  EXPECT_TRUE(bucket.take(kStart));
  EXPECT_TRUE(bucket.take(kStart));
  EXPECT_TRUE(bucket.take(kStart));
  EXPECT_FALSE(bucket.take(kStart));
  EXPECT_TRUE(bucket.take(kStart + 500ms));
  EXPECT_FALSE(bucket.take(kStart + 500ms));
  // A long silence refills only up to the burst.
  const auto later = kStart + 1h;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(bucket.take(later));
  }
  EXPECT_FALSE(bucket.take(later));
}

}  // namespace
}  // namespace chorus::signaling
