// Rooms over the WebSocket API against a real chorusd: joins with good, refused and expired
// tokens, 64- and 65-character room ids, double join, leave, the events three participants see
// in order, resume within and after the window, and that a client sending garbage disturbs
// nobody else. A `ping` after each step proves no event is pending: replies and events share one
// ordered stream per connection.
#include <chrono>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include "tests/integration/ChorusdProcess.h"
#include "tests/integration/SignalingClient.h"
#include "tests/integration/TestApplication.h"

namespace chorus::test {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

constexpr std::string_view kApp = "rooms-app";
constexpr std::string_view kSecret = "rooms-secret-rooms-secret-rooms-secret";

std::string applicationsFile() {
  return TestApplication{std::string(kApp), std::string(kSecret)}.writeFile(
      "chorus-rooms-applications.yaml");
}

std::string token(std::string user, std::chrono::seconds validFor = 1h,
                  std::string_view room = "*") {
  return TestApplication{std::string(kApp), std::string(kSecret)}.mint(
      std::move(user), {.room = room, .validFor = validFor});
}

using Client = SignalingClient;

class RoomsTest : public ::testing::Test {
 protected:
  // An authenticated client joined to `room`; returns the join reply.
  static json::object joinAs(Client& client, const std::string& user,
                             std::string room = "standup") {
    EXPECT_TRUE(client.call("authenticate", {{"token", token(user)}}).contains("result"));
    return client.call("join", {{"room", std::move(room)}, {"kind", "group"}, {"name", user}});
  }

  ChorusdProcess chorusd_{{"--http.port", "0", "--media.port_base", "0", "--media.tcp_port", "0",
                           "--workers.count", "1", "--auth.applications_file", applicationsFile(),
                           "--rooms.resume_window_seconds", "2", "--signaling.messages_per_second",
                           "100"}};
  std::uint16_t port_ = chorusd_.httpPort();
};

TEST_F(RoomsTest, JoinNeedsAValidTokenForTheRoom) {
  Client anonymous(port_);
  EXPECT_EQ(errorCode(anonymous.call("join", {{"room", "standup"}})), "unauthorized");
  Client expired(port_);
  EXPECT_EQ(errorCode(expired.call("authenticate", {{"token", token("eve", -1h)}})),
            "unauthorized");
  Client wrongRoom(port_);
  ASSERT_TRUE(
      wrongRoom.call("authenticate", {{"token", token("bob", 1h, "team/*")}}).contains("result"));
  EXPECT_EQ(errorCode(wrongRoom.call("join", {{"room", "standup"}})), "forbidden");
  EXPECT_TRUE(wrongRoom.call("join", {{"room", "team/daily"}}).contains("result"));
}

TEST_F(RoomsTest, RoomIdsOf64CharactersJoinAnd65AreTooLong) {
  Client client(port_);
  ASSERT_TRUE(client.call("authenticate", {{"token", token("alice")}}).contains("result"));
  std::string id;
  for (int i = 0; i < 64; ++i) {
    id += "ü";
  }
  EXPECT_EQ(errorCode(client.call("join", {{"room", id + "ü"}})), "room_id_too_long");
  EXPECT_EQ(errorCode(client.call("join", {{"room", "two words"}})), "room_id_invalid");
  const auto joined = client.call("join", {{"room", id}});
  ASSERT_TRUE(joined.contains("result")) << json::serialize(joined);
  EXPECT_EQ(joined.at("result").at("room").at("id").as_string(), id);
  EXPECT_EQ(errorCode(client.call("join", {{"room", id}})), "already_joined");
  EXPECT_TRUE(client.call("leave").contains("result"));
  EXPECT_EQ(errorCode(client.call("leave")), "not_in_room");
}

TEST_F(RoomsTest, ThreeParticipantsSeeEachOtherInOrderAndGarbageDisturbsNobody) {
  Client alice(port_);
  Client bob(port_);
  Client carol(port_);
  const auto a = joinAs(alice, "alice");
  ASSERT_TRUE(a.contains("result"));
  const auto b = joinAs(bob, "bob");
  ASSERT_EQ(b.at("result").at("participants").as_array().size(), 1U);
  auto event = alice.next();
  EXPECT_EQ(event.at("type"), "participant_joined");
  EXPECT_EQ(event.at("participant").at("user"), "bob");

  // Carol misbehaves before joining; Alice and Bob notice nothing.
  EXPECT_TRUE(carol.sendRaw("{not json"));
  EXPECT_EQ(errorCode(carol.next()), "bad_request");
  EXPECT_EQ(errorCode(carol.call("teleport")), "unknown_type");
  alice.expectQuiet();
  bob.expectQuiet();

  const auto c = joinAs(carol, "carol");
  ASSERT_EQ(c.at("result").at("participants").as_array().size(), 2U);
  EXPECT_EQ(c.at("result").at("participants").at(0).at("user"), "alice");
  EXPECT_EQ(c.at("result").at("participants").at(1).at("user"), "bob");
  EXPECT_EQ(alice.next().at("participant").at("user"), "carol");
  EXPECT_EQ(bob.next().at("participant").at("user"), "carol");

  EXPECT_TRUE(bob.call("leave").contains("result"));
  for (Client* other : {&alice, &carol}) {
    event = other->next();
    EXPECT_EQ(event.at("type"), "participant_left");
    EXPECT_EQ(event.at("participant_id"), b.at("result").at("participant_id"));
    EXPECT_EQ(event.at("reason"), "left");
    other->expectQuiet();
  }
}

TEST_F(RoomsTest, ResumeWithinTheWindowIsInvisibleAndAfterItTheOthersSeeDisconnected) {
  Client bob(port_);
  const auto b = joinAs(bob, "bob");
  std::string resumeToken;
  {
    Client alice(port_);
    const auto a = joinAs(alice, "alice");
    resumeToken = std::string(a.at("result").at("resume_token").as_string());
    EXPECT_EQ(bob.next().at("type"), "participant_joined");
  }  // Alice's connection drops.
  Client again(port_);
  const auto resumed = again.call("resume", {{"resume_token", resumeToken}});
  ASSERT_TRUE(resumed.contains("result")) << json::serialize(resumed);
  EXPECT_EQ(resumed.at("result").at("participants").at(0).at("user"), "bob");
  bob.expectQuiet();    // no participant_left
  again.expectQuiet();  // authenticated as Alice by the resume
  EXPECT_EQ(errorCode(Client(port_).call("resume", {{"resume_token", resumeToken}})),
            "resume_failed");

  const std::string token(resumed.at("result").at("resume_token").as_string());
  const auto participant = resumed.at("result").at("participant_id");
  {
    Client gone(port_);
    ASSERT_TRUE(gone.call("resume", {{"resume_token", token}}).contains("result"));
  }
  // The window is 2 s, checked every second.
  const auto event = bob.next();
  EXPECT_EQ(event.at("type"), "participant_left");
  EXPECT_EQ(event.at("participant_id"), participant);
  EXPECT_EQ(event.at("reason"), "disconnected");
  EXPECT_EQ(errorCode(Client(port_).call("resume", {{"resume_token", token}})), "resume_failed");
}

TEST_F(RoomsTest, MalformedRoomRequestsAreBadRequests) {
  Client client(port_);
  joinAs(client, "alice");
  EXPECT_EQ(errorCode(client.call("publish", {{"sdp", 5}})), "bad_request");
  EXPECT_EQ(errorCode(client.call("publish", {{"sdp", "v=0"}})), "sdp_invalid");
  EXPECT_EQ(errorCode(client.call("subscribe_answer", {{"sdp", "v=0"}, {"revision", -1}})),
            "bad_request");
  EXPECT_EQ(errorCode(client.call("subscribe_answer", {{"sdp", "v=0"}, {"revision", 1}})),
            "no_offer");
  EXPECT_EQ(errorCode(client.call("mute", {{"track_id", "x"}, {"muted", true}})), "unknown_track");
  EXPECT_EQ(errorCode(client.call("restart_ice", {{"transport", "publish"}})), "bad_request");
  EXPECT_EQ(errorCode(client.call("restart_ice", {{"transport", "subscribe"}})), "no_transport");
  EXPECT_EQ(errorCode(client.call("join", {{"room", "x"}, {"kind", "party"}})), "bad_request");
  client.expectQuiet();
}

}  // namespace
}  // namespace chorus::test
