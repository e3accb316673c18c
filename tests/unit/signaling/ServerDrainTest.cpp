// The drain's decisions with a fake clock: which signal drains and which stops at once, the
// `server_draining` event exactly as documented, who hears of it, the join refusal, and when the
// drain ends (rooms empty, or the deadline with participants left).
#include <chrono>
#include <string>

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include "signaling/ws/ServerDrain.h"
#include "tests/support/FakeMediaTransports.h"

namespace chorus::signaling {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

const ServerDrain::TimePoint kStart{1000s};
// 2023-11-14T22:13:20Z.
const ServerDrain::WallClock kWallStart{1'700'000'000s};

TEST(ServerDrainTest, FirstSigtermDrainsSigintAndAnySecondSignalStopAtOnce) {
  ServerDrain drain(60s);
  EXPECT_EQ(drain.onStopSignal(StopSignal::kInterrupt), StopAction::kStopNow);
  EXPECT_EQ(drain.onStopSignal(StopSignal::kTerminate), StopAction::kDrain);
  drain.start(kStart, kWallStart);
  EXPECT_EQ(drain.onStopSignal(StopSignal::kTerminate), StopAction::kStopNow);
  EXPECT_EQ(drain.onStopSignal(StopSignal::kInterrupt), StopAction::kStopNow);
}

TEST(ServerDrainTest, ZeroDeadlineMakesSigtermStopAtOnce) {
  const ServerDrain drain(0s);
  EXPECT_EQ(drain.onStopSignal(StopSignal::kTerminate), StopAction::kStopNow);
  EXPECT_FALSE(drain.draining());
}

TEST(ServerDrainTest, EventIsExactlyAsDocumented) {
  ServerDrain drain(60s);
  drain.start(kStart, kWallStart);
  EXPECT_EQ(drain.event(kStart),
            R"({"type":"server_draining","deadline":1700000060000,"seconds_left":60})");
}

TEST(ServerDrainTest, SecondsLeftCountDownRoundedUpAndStopAtZero) {
  ServerDrain drain(10s);
  drain.start(kStart, kWallStart);
  const auto secondsLeft = [&drain](ServerDrain::TimePoint now) {
    const json::value event = json::parse(drain.event(now));
    EXPECT_EQ(event.at("deadline").as_int64(), 1'700'000'010'000);  // fixed at the start
    return event.at("seconds_left").as_int64();
  };
  EXPECT_EQ(secondsLeft(kStart + 1ms), 10);
  EXPECT_EQ(secondsLeft(kStart + 9s), 1);
  EXPECT_EQ(secondsLeft(kStart + 9999ms), 1);
  EXPECT_EQ(secondsLeft(kStart + 10s), 0);
  EXPECT_EQ(secondsLeft(kStart + 15s), 0);
}

TEST(ServerDrainTest, EveryOpenConnectionHearsOfTheDrainOnceAndClosedOnesDoNot) {
  ServerDrain drain(30s);
  test::RecordingConnection alice;
  test::RecordingConnection bob;
  test::RecordingConnection gone;
  drain.add(alice, kStart);
  drain.add(bob, kStart);
  drain.add(gone, kStart);
  drain.remove(gone);
  EXPECT_TRUE(alice.events.empty());  // nothing before a drain
  drain.start(kStart + 1s, kWallStart + 1s);
  const std::string expected =
      R"({"type":"server_draining","deadline":1700000031000,"seconds_left":30})";
  EXPECT_EQ(alice.events, std::vector<std::string>{expected});
  EXPECT_EQ(bob.events, std::vector<std::string>{expected});
  EXPECT_TRUE(gone.events.empty());
}

TEST(ServerDrainTest, EachConnectionIsToldTheNodeItsRoomMovesToWhereThereIsOne) {
  ServerDrain drain(30s);
  test::RecordingConnection inRoom;
  test::RecordingConnection idle;
  drain.add(inRoom, kStart);
  drain.add(idle, kStart);
  drain.start(kStart, kWallStart,
              [&inRoom](ParticipantConnection& connection) -> std::optional<std::string> {
                if (&connection == &inRoom) {
                  return "wss://chorus-2.example.com/ws";
                }
                return std::nullopt;
              });
  EXPECT_EQ(inRoom.events, std::vector<std::string>{
                               R"({"type":"server_draining","deadline":1700000030000,)"
                               R"("seconds_left":30,"url":"wss://chorus-2.example.com/ws"})"});
  EXPECT_EQ(idle.events,
            std::vector<std::string>{R"({"type":"server_draining",)"
                                     R"("deadline":1700000030000,"seconds_left":30})"});
}

TEST(ServerDrainTest, ConnectionOpenedDuringTheDrainIsToldAtOnceWithTheTimeLeft) {
  ServerDrain drain(30s);
  drain.start(kStart, kWallStart);
  test::RecordingConnection late;
  drain.add(late, kStart + 20s);
  EXPECT_EQ(late.events,
            std::vector<std::string>{R"({"type":"server_draining",)"
                                     R"("deadline":1700000030000,"seconds_left":10})"});
}

TEST(ServerDrainTest, JoinsAreRefusedWithServerDrainingOnlyDuringADrain) {
  ServerDrain drain(30s);
  EXPECT_FALSE(drain.refuseJoin());
  drain.start(kStart, kWallStart);
  const auto refusal = drain.refuseJoin();
  ASSERT_TRUE(refusal);
  ASSERT_TRUE(refusal->error);
  EXPECT_EQ(toString(*refusal->error), "server_draining");
  EXPECT_FALSE(refusal->message.empty());
}

TEST(ServerDrainTest, EndsWhenNoParticipantIsLeftOrAtTheDeadline) {
  ServerDrain drain(30s);
  EXPECT_EQ(drain.end(kStart, 0), DrainEnd::kNotYet);  // no drain: nothing ends
  drain.start(kStart, kWallStart);
  EXPECT_EQ(drain.end(kStart, 3), DrainEnd::kNotYet);
  EXPECT_EQ(drain.end(kStart + 29999ms, 1), DrainEnd::kNotYet);
  EXPECT_EQ(drain.end(kStart + 5s, 0), DrainEnd::kEmpty);
  EXPECT_EQ(drain.end(kStart + 30s, 1), DrainEnd::kDeadline);
  EXPECT_EQ(drain.end(kStart + 31s, 0), DrainEnd::kEmpty);
}

}  // namespace
}  // namespace chorus::signaling
