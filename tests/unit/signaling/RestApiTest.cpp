// The REST API without sockets: HTTP Basic credentials, every endpoint against rooms set up in a
// RoomRegistry with recording connections, the errors' statuses and JSON bodies, and the strict
// percent-decoding that carries a track id's '/' inside one path segment.
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include "signaling/auth/Base64Url.h"
#include "signaling/http/RestApi.h"
#include "signaling/room/RoomRegistry.h"
#include "tests/support/FakeMediaTransports.h"

namespace chorus::signaling {
namespace {
namespace http = boost::beast::http;
namespace json = boost::json;

constexpr std::string_view kKey = "backend";
constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef";

// RFC 4648 §4 base64 with padding, built from the base64url encoder.
std::string base64(std::string_view text) {
  std::string encoded = encodeBase64Url(text);
  for (char& c : encoded) {
    c = c == '-' ? '+' : (c == '_' ? '/' : c);
  }
  encoded.append((4 - encoded.size() % 4) % 4, '=');
  return encoded;
}

std::string basic(std::string_view key, std::string_view secret) {
  return "Basic " + base64(std::string(key) + ":" + std::string(secret));
}

AccessToken identity(std::string user) {
  return AccessToken{.application = "app",
                     .user = std::move(user),
                     .notBefore = {},
                     .expiresAt = {},
                     .issuedAt = std::nullopt,
                     .room = *RoomPattern::parse("*"),
                     .publish = true,
                     .subscribe = true};
}

std::string readSdp(std::string_view name) {
  std::ifstream file(std::string(CHORUS_TEST_DATA_DIR) + "/sdp/" + std::string(name),
                     std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

json::object lastEvent(const test::RecordingConnection& connection) {
  return json::parse(connection.events.back()).as_object();
}

ApplicationRegistry applications() {
  ApplicationRegistry registry;
  registry.add(std::string(kKey), std::string(kSecret));
  return registry;
}

class RestApiTest : public ::testing::Test {
 protected:
  RestApi::Response send(http::verb method, std::string_view target,
                         const std::string& authorization = basic(kKey, kSecret)) {
    RestApi::Request request{method, target, 11};
    if (!authorization.empty()) {
      request.set(http::field::authorization, authorization);
    }
    return api_.handle(request);
  }

  std::string join(test::RecordingConnection& connection, std::string user,
                   std::string room = "standup") {
    const auto outcome = rooms_.join(connection, identity(std::move(user)),
                                     {std::move(room), RoomKind::kConference, {}});
    EXPECT_FALSE(outcome.error) << outcome.message;
    return std::string(outcome.result.at("participant_id").as_string());
  }

  static void expectError(const RestApi::Response& response, http::status status,
                          std::string_view code) {
    EXPECT_EQ(response.result(), status);
    EXPECT_EQ(response[http::field::content_type], "application/json");
    const auto body = json::parse(response.body());
    EXPECT_EQ(body.at("error").at("code").as_string(), code);
    EXPECT_FALSE(body.at("error").at("message").as_string().empty());
  }

  test::FakeMediaTransports transports_;
  RoomRegistry rooms_{RoomPolicy{}, transports_};
  ApplicationRegistry applications_ = applications();
  RestApi api_{rooms_, applications_};
  test::RecordingConnection alice_;
  test::RecordingConnection bob_;
};

TEST_F(RestApiTest, OwnsEveryPathUnderApiOnly) {
  EXPECT_TRUE(RestApi::owns("/api/v1/rooms"));
  EXPECT_TRUE(RestApi::owns("/api/v2/anything?x=1"));
  EXPECT_TRUE(RestApi::owns("/api"));
  EXPECT_FALSE(RestApi::owns("/apiary"));
  EXPECT_FALSE(RestApi::owns("/metrics"));
  EXPECT_FALSE(RestApi::owns("/"));
}

TEST_F(RestApiTest, MissingOrWrongCredentialsAreUnauthorizedWithAChallenge) {
  for (const std::string& authorization :
       {std::string(), basic(kKey, "0123456789abcdef0123456789abcdeX"),
        basic(kKey, "0123456789abcdef0123456789abcdef0"), basic("other", kSecret), basic(kKey, ""),
        "Basic " + base64(std::string(kKey) + std::string(kSecret)),
        "Bearer " + base64(std::string(kKey) + ":" + std::string(kSecret)),
        std::string("Basic !!!!"),
        "Basic " + base64(std::string(kKey) + ":" + std::string(kSecret)) + "=",
        std::string("Basic")}) {
    const auto response = send(http::verb::get, "/api/v1/rooms", authorization);
    expectError(response, http::status::unauthorized, "unauthorized");
    EXPECT_EQ(response[http::field::www_authenticate], R"(Basic realm="chorus")") << authorization;
  }
  // Unknown paths are not told apart from known ones without credentials.
  expectError(send(http::verb::get, "/api/v9/secret", ""), http::status::unauthorized,
              "unauthorized");
}

TEST_F(RestApiTest, SchemeNameIsCaseInsensitive) {
  const std::string credentials = base64(std::string(kKey) + ":" + std::string(kSecret));
  EXPECT_EQ(send(http::verb::get, "/api/v1/rooms", "basic " + credentials).result(),
            http::status::ok);
  EXPECT_EQ(send(http::verb::get, "/api/v1/rooms", "BASIC  " + credentials).result(),
            http::status::ok);
}

TEST_F(RestApiTest, ListsRooms) {
  const auto empty = send(http::verb::get, "/api/v1/rooms");
  ASSERT_EQ(empty.result(), http::status::ok);
  EXPECT_EQ(empty[http::field::content_type], "application/json");
  EXPECT_EQ(json::parse(empty.body()), json::parse(R"({"rooms":[]})"));

  join(alice_, "alice");
  join(bob_, "bob");
  const auto listed = send(http::verb::get, "/api/v1/rooms?ignored=1");
  ASSERT_EQ(listed.result(), http::status::ok);
  EXPECT_EQ(json::parse(listed.body()),
            json::parse(R"({"rooms":[{"id":"standup","kind":"conference","participants":2}]})"));
}

TEST_F(RestApiTest, DescribesARoomWithItsParticipants) {
  const std::string aliceId = join(alice_, "alice", "équipe-1");
  const auto response = send(http::verb::get, "/api/v1/rooms/%C3%A9quipe-1");
  ASSERT_EQ(response.result(), http::status::ok) << response.body();
  const auto room = json::parse(response.body());
  EXPECT_EQ(room.at("id"), "équipe-1");
  ASSERT_EQ(room.at("participants").as_array().size(), 1U);
  EXPECT_EQ(room.at("participants").at(0).at("participant_id").as_string(), aliceId);
  EXPECT_EQ(room.at("participants").at(0).at("user"), "alice");

  expectError(send(http::verb::get, "/api/v1/rooms/nowhere"), http::status::not_found, "not_found");
}

TEST_F(RestApiTest, KickRemovesTheParticipantWhoIsTold) {
  const std::string aliceId = join(alice_, "alice");
  join(bob_, "bob");
  const auto kicked = send(http::verb::delete_, "/api/v1/rooms/standup/participants/" + aliceId);
  EXPECT_EQ(kicked.result(), http::status::no_content);
  EXPECT_TRUE(kicked.body().empty());
  EXPECT_EQ(lastEvent(alice_).at("type"), "room_left");
  EXPECT_EQ(lastEvent(alice_).at("reason"), "kicked");
  EXPECT_EQ(lastEvent(bob_).at("type"), "participant_left");
  EXPECT_EQ(lastEvent(bob_).at("participant_id").as_string(), aliceId);

  expectError(send(http::verb::delete_, "/api/v1/rooms/standup/participants/" + aliceId),
              http::status::not_found, "not_found");
  expectError(send(http::verb::delete_, "/api/v1/rooms/elsewhere/participants/x"),
              http::status::not_found, "not_found");
}

TEST_F(RestApiTest, CloseRoomTellsEveryoneAndForgetsIt) {
  join(alice_, "alice");
  join(bob_, "bob");
  EXPECT_EQ(send(http::verb::delete_, "/api/v1/rooms/standup").result(), http::status::no_content);
  for (const auto* connection : {&alice_, &bob_}) {
    EXPECT_EQ(lastEvent(*connection).at("type"), "room_left");
    EXPECT_EQ(lastEvent(*connection).at("reason"), "room_closed");
  }
  expectError(send(http::verb::get, "/api/v1/rooms/standup"), http::status::not_found, "not_found");
  expectError(send(http::verb::delete_, "/api/v1/rooms/standup"), http::status::not_found,
              "not_found");
}

TEST_F(RestApiTest, MutesAndUnmutesATrackNamedWithAnEncodedSlash) {
  join(alice_, "alice");
  join(bob_, "bob");
  const auto published = rooms_.publish(alice_, readSdp("chromium-156-getusermedia-offer.sdp"));
  ASSERT_FALSE(published.error) << published.message;
  const std::string track(published.result.at("tracks").at(0).at("track_id").as_string());
  const std::size_t slash = track.find('/');
  ASSERT_NE(slash, std::string::npos);
  const std::string encoded = track.substr(0, slash) + "%2F" + track.substr(slash + 1);
  const std::string base = "/api/v1/rooms/standup/tracks/" + encoded;

  EXPECT_EQ(send(http::verb::post, base + "/mute").result(), http::status::no_content);
  EXPECT_EQ(lastEvent(bob_).at("type"), "track_muted");
  EXPECT_EQ(lastEvent(bob_).at("track_id").as_string(), track);
  EXPECT_EQ(lastEvent(bob_).at("by"), "server");
  // The muted participant hears of it too, so that its client stops sending.
  EXPECT_EQ(lastEvent(alice_).at("type"), "track_muted");
  EXPECT_EQ(lastEvent(alice_).at("track_id").as_string(), track);
  // Lower-case hex digits are the same escape.
  const std::string lower = track.substr(0, slash) + "%2f" + track.substr(slash + 1);
  EXPECT_EQ(send(http::verb::post, "/api/v1/rooms/standup/tracks/" + lower + "/unmute").result(),
            http::status::no_content);
  EXPECT_EQ(lastEvent(bob_).at("type"), "track_unmuted");
  EXPECT_EQ(lastEvent(alice_).at("type"), "track_unmuted");

  // Unencoded, the '/' splits the id into two segments: no such path.
  expectError(send(http::verb::post, "/api/v1/rooms/standup/tracks/" + track + "/mute"),
              http::status::not_found, "not_found");
  expectError(send(http::verb::post, "/api/v1/rooms/standup/tracks/nope%2F9/mute"),
              http::status::not_found, "not_found");
  expectError(send(http::verb::post, "/api/v1/rooms/gone/tracks/" + encoded + "/mute"),
              http::status::not_found, "not_found");
}

TEST_F(RestApiTest, MalformedEscapesAreBadRequests) {
  for (const std::string_view target :
       {"/api/v1/rooms/a%", "/api/v1/rooms/a%2", "/api/v1/rooms/a%zz", "/api/v1/rooms/%G0",
        "/api/v1/rooms/x/tracks/p%2/mute"}) {
    expectError(send(http::verb::get, target), http::status::bad_request, "bad_request");
  }
}

TEST_F(RestApiTest, OtherMethodsAreNotAllowedAndNamedInAllow) {
  const auto put = send(http::verb::put, "/api/v1/rooms");
  expectError(put, http::status::method_not_allowed, "method_not_allowed");
  EXPECT_EQ(put[http::field::allow], "GET");
  const auto post = send(http::verb::post, "/api/v1/rooms/standup");
  expectError(post, http::status::method_not_allowed, "method_not_allowed");
  EXPECT_EQ(post[http::field::allow], "GET, DELETE");
  EXPECT_EQ(send(http::verb::get, "/api/v1/rooms/r/participants/p")[http::field::allow], "DELETE");
  EXPECT_EQ(send(http::verb::get, "/api/v1/rooms/r/tracks/t/mute")[http::field::allow], "POST");
}

TEST_F(RestApiTest, UnknownApiPathsAreNotFound) {
  for (const std::string_view target :
       {"/api", "/api/", "/api/v1", "/api/v2/rooms", "/api/v1/rooms/",
        "/api/v1/rooms//tracks/t/mute", "/api/v1/rooms/r/tracks/t/toggle",
        "/api/v1/rooms/r/participants"}) {
    expectError(send(http::verb::get, target), http::status::not_found, "not_found");
  }
}

TEST_F(RestApiTest, CountsRequestsByStatus) {
  send(http::verb::get, "/api/v1/rooms");
  send(http::verb::get, "/api/v1/rooms");
  send(http::verb::get, "/api/v1/rooms", "");
  send(http::verb::get, "/api/v1/nothing");
  const auto& counts = api_.requestsByStatus();
  EXPECT_EQ(counts.at(200), 2U);
  EXPECT_EQ(counts.at(401), 1U);
  EXPECT_EQ(counts.at(404), 1U);
  EXPECT_EQ(counts.size(), 3U);
}

}  // namespace
}  // namespace chorus::signaling
