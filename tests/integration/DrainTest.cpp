// The SIGTERM drain against a real chorusd (docs/signaling.md, "Draining"): connected clients
// are told the deadline, new joins are refused with server_draining, /readyz turns 503 while
// /healthz stays 200, and the process exits 0 once the room empties or at the deadline; a
// second signal ends the drain at once.
#include <chrono>
#include <csignal>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/ChorusdProcess.h"
#include "tests/integration/HttpProbe.h"
#include "tests/integration/SignalingClient.h"
#include "tests/integration/TestApplication.h"

namespace chorus::test {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

const TestApplication kApplication{"drain-app", "drain-secret-drain-secret-drain-secret"};

std::vector<std::string> flags(std::string_view deadlineSeconds) {
  return {"--http.port",
          "0",
          "--media.port_base",
          "0",
          "--media.tcp_port",
          "0",
          "--workers.count",
          "1",
          "--auth.applications_file",
          kApplication.writeFile("chorus-drain-applications.yaml"),
          "--drain.deadline_seconds",
          std::string(deadlineSeconds)};
}

std::int64_t wallClockMilliseconds() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// An authenticated client; joined to `room` unless it is empty.
json::object enter(SignalingClient& client, const std::string& user, std::string room) {
  EXPECT_TRUE(client.call("authenticate", {{"token", kApplication.mint(user)}}).contains("result"));
  return room.empty() ? json::object{} : client.call("join", {{"room", std::move(room)}});
}

// Checks a server_draining event against a deadline `seconds` after `sentAt` (ms since the
// epoch, when SIGTERM was sent).
void expectDrainingEvent(const json::object& event, std::int64_t sentAt, std::int64_t seconds) {
  ASSERT_EQ(event.at("type"), "server_draining") << json::serialize(event);
  const std::int64_t deadline = event.at("deadline").as_int64();
  EXPECT_GE(deadline, sentAt + seconds * 1000);
  EXPECT_LE(deadline, wallClockMilliseconds() + seconds * 1000);
  const std::int64_t left = event.at("seconds_left").as_int64();
  EXPECT_GE(left, seconds - 1);
  EXPECT_LE(left, seconds);
}

TEST(DrainTest, ClientsAreToldJoinsRefusedReadyzFlipsAndTheProcessExitsOnceTheRoomEmpties) {
  ChorusdProcess chorusd(flags("30"));
  const std::uint16_t port = chorusd.httpPort();
  SignalingClient alice(port);
  ASSERT_TRUE(enter(alice, "alice", "standup").contains("result"));
  SignalingClient bob(port);  // authenticated, not in a room yet
  enter(bob, "bob", "");
  EXPECT_EQ(httpGet(port, "/readyz").status, 200);

  const auto sentAt = wallClockMilliseconds();
  const auto start = std::chrono::steady_clock::now();
  chorusd.sendSignal(SIGTERM);
  expectDrainingEvent(alice.next(), sentAt, 30);
  expectDrainingEvent(bob.next(), sentAt, 30);
  const auto draining = chorusd.waitForLine("chorusd_draining");
  ASSERT_TRUE(draining);
  EXPECT_THAT(*draining, HasSubstr("signal=SIGTERM deadline_seconds=30 participants=1 rooms=1"));

  const auto ready = httpGet(port, "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_THAT(ready.body, HasSubstr("draining"));
  EXPECT_EQ(httpGet(port, "/healthz").status, 200);
  EXPECT_EQ(errorCode(bob.call("join", {{"room", "standup"}})), "server_draining");
  // A connection opened during the drain hears of it right after the hello.
  SignalingClient late(port);
  expectDrainingEvent(late.next(), sentAt, 30);
  // Alice's call goes on: her requests are served.
  alice.expectQuiet();

  EXPECT_TRUE(alice.call("leave").contains("result"));
  EXPECT_EQ(chorusd.waitForExit(10s), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
  EXPECT_THAT(chorusd.output(), HasSubstr("chorusd_drained reason=empty participants_left=0"));
  EXPECT_THAT(chorusd.output(), HasSubstr("chorusd_stopped"));
}

TEST(DrainTest, ExitsWithStatus0AtTheDeadlineWithAParticipantStillIn) {
  ChorusdProcess chorusd(flags("2"));
  const std::uint16_t port = chorusd.httpPort();
  SignalingClient alice(port);
  ASSERT_TRUE(enter(alice, "alice", "standup").contains("result"));
  const auto sentAt = wallClockMilliseconds();
  const auto start = std::chrono::steady_clock::now();
  chorusd.sendSignal(SIGTERM);
  expectDrainingEvent(alice.next(), sentAt, 2);
  EXPECT_EQ(chorusd.waitForExit(10s), 0);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_THAT(chorusd.output(),
              HasSubstr("chorusd_drained reason=deadline participants_left=1 rooms_left=1"));
}

// A drain with a participant in, cut short by `second`: chorusd exits 0 at once and says why.
void expectSecondSignalEndsTheDrain(int second, std::string_view name) {
  ChorusdProcess chorusd(flags("60"));
  SignalingClient alice(chorusd.httpPort());
  ASSERT_TRUE(enter(alice, "alice", "standup").contains("result"));
  chorusd.sendSignal(SIGTERM);
  EXPECT_EQ(alice.next().at("type"), "server_draining");
  chorusd.sendSignal(second);
  EXPECT_EQ(chorusd.waitForExit(10s), 0);
  EXPECT_THAT(chorusd.output(), HasSubstr("chorusd_drain_interrupted signal=" + std::string(name) +
                                          " participants_left=1"));
}

TEST(DrainTest, SecondSigtermDuringTheDrainExitsAtOnce) {
  expectSecondSignalEndsTheDrain(SIGTERM, "SIGTERM");
}

TEST(DrainTest, SigintDuringTheDrainExitsAtOnce) {
  expectSecondSignalEndsTheDrain(SIGINT, "SIGINT");
}

TEST(DrainTest, ZeroDeadlineMakesSigtermStopAtOnceWithParticipantsIn) {
  ChorusdProcess chorusd(flags("0"));
  SignalingClient alice(chorusd.httpPort());
  ASSERT_TRUE(enter(alice, "alice", "standup").contains("result"));
  chorusd.sendSignal(SIGTERM);
  EXPECT_EQ(chorusd.waitForExit(10s), 0);
  EXPECT_THAT(chorusd.output(), HasSubstr("chorusd_stopping signal=SIGTERM"));
  EXPECT_THAT(chorusd.output(), Not(HasSubstr("chorusd_draining")));
}

}  // namespace
}  // namespace chorus::test
