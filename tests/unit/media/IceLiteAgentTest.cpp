#include <cctype>
#include <vector>

#include <gtest/gtest.h>

#include "media/ice/IceLiteAgent.h"

namespace chorus::media {
namespace {
// The agent only compares times: any fixed origin will do.
std::chrono::steady_clock::time_point seconds(int count) {
  return std::chrono::steady_clock::time_point(std::chrono::seconds(count));
}

class RecordingIceObserver : public IceObserver {
 public:
  void onIceSelectedPath(const SocketAddress& path) override { paths.push_back(path); }
  void onIceConsentExpired() override { ++expired; }

  std::vector<SocketAddress> paths;
  int expired = 0;
};

const SocketAddress kWifi = SocketAddress::ipv4({192, 0, 2, 10}, 50000);
const SocketAddress kRelayish = SocketAddress::ipv4({198, 51, 100, 7}, 61000);
const SocketAddress kCellular = SocketAddress::ipv4({203, 0, 113, 5}, 40123);

IceCheck check(const SocketAddress& from, bool useCandidate) {
  IceCheck value;
  value.from = from;
  value.remoteUfrag = "peer";
  value.priority = 1845501695;
  value.useCandidate = useCandidate;
  value.peerControlling = true;
  return value;
}

class IceLiteAgentTest : public ::testing::Test {
 protected:
  IceLiteAgentTest() { agent_.setRemoteUfrag("peer"); }

  RecordingIceObserver observer_;
  IceLiteAgent agent_{
      {"localufrag", "localpassword-localpassword"}, std::chrono::seconds(30), observer_};
};

TEST_F(IceLiteAgentTest, ChecksWithoutNominationAreAnsweredButSelectNothing) {
  EXPECT_EQ(agent_.onCheck(check(kWifi, false), seconds(1)), IceCheckAnswer::kSuccess);
  EXPECT_EQ(agent_.state(), IceState::kNew);
  EXPECT_FALSE(agent_.selectedPath());
  EXPECT_TRUE(observer_.paths.empty());
}

TEST_F(IceLiteAgentTest, UseCandidateSelectsThePairOnce) {
  EXPECT_EQ(agent_.onCheck(check(kWifi, true), seconds(1)), IceCheckAnswer::kSuccess);
  EXPECT_EQ(agent_.state(), IceState::kConnected);
  EXPECT_EQ(agent_.selectedPath(), kWifi);
  agent_.onCheck(check(kWifi, true), seconds(2));  // the peer keeps nominating: no news
  EXPECT_EQ(observer_.paths, std::vector<SocketAddress>{kWifi});
}

TEST_F(IceLiteAgentTest, ChecksOnOtherPairsNeverMoveTheSelection) {
  agent_.onCheck(check(kWifi, true), seconds(1));
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(agent_.onCheck(check(kRelayish, false), seconds(2 + i)), IceCheckAnswer::kSuccess);
  }
  EXPECT_EQ(agent_.selectedPath(), kWifi);
  EXPECT_EQ(observer_.paths.size(), 1U);
}

TEST_F(IceLiteAgentTest, NominationFromANewFiveTupleMovesThePath) {
  agent_.onCheck(check(kWifi, true), seconds(1));
  agent_.onCheck(check(kCellular, true), seconds(5));  // the phone left the Wi-Fi
  EXPECT_EQ(agent_.selectedPath(), kCellular);
  EXPECT_EQ(observer_.paths, (std::vector<SocketAddress>{kWifi, kCellular}));
}

TEST_F(IceLiteAgentTest, PeerClaimingControlledGetsRoleConflict) {
  IceCheck controlled = check(kWifi, true);
  controlled.peerControlling = false;
  controlled.peerControlled = true;
  EXPECT_EQ(agent_.onCheck(controlled, seconds(1)), IceCheckAnswer::kRoleConflict);
  EXPECT_FALSE(agent_.selectedPath());
}

TEST_F(IceLiteAgentTest, CheckWithoutRoleIsABadRequest) {
  IceCheck noRole = check(kWifi, true);
  noRole.peerControlling = false;
  EXPECT_EQ(agent_.onCheck(noRole, seconds(1)), IceCheckAnswer::kBadRequest);
  EXPECT_FALSE(agent_.selectedPath());
}

TEST_F(IceLiteAgentTest, CheckWithAnotherRemoteUfragIsStale) {
  IceCheck stale = check(kWifi, true);
  stale.remoteUfrag = "oldpeer";
  EXPECT_EQ(agent_.onCheck(stale, seconds(1)), IceCheckAnswer::kStaleUfrag);
  EXPECT_FALSE(agent_.selectedPath());
}

TEST_F(IceLiteAgentTest, ConsentExpiresOnceAfterTheTimeoutWithoutChecks) {
  agent_.start(seconds(0));
  agent_.onCheck(check(kWifi, true), seconds(10));
  agent_.onTimer(seconds(40));  // exactly 30 s: still fresh
  EXPECT_EQ(observer_.expired, 0);
  agent_.onTimer(seconds(41));
  EXPECT_EQ(observer_.expired, 1);
  EXPECT_EQ(agent_.state(), IceState::kDisconnected);
  agent_.onTimer(seconds(60));
  EXPECT_EQ(observer_.expired, 1);
}

TEST_F(IceLiteAgentTest, APeerThatNeverNominatesOrNeverChecksLosesConsentToo) {
  agent_.start(seconds(0));
  EXPECT_EQ(agent_.consentDeadline(), seconds(30) + std::chrono::steady_clock::duration(1));
  agent_.onCheck(check(kWifi, false), seconds(10));  // checks, never nominates
  agent_.onTimer(seconds(40));
  EXPECT_EQ(observer_.expired, 0);
  agent_.onTimer(seconds(41));
  EXPECT_EQ(observer_.expired, 1);
  EXPECT_FALSE(agent_.consentDeadline());
}

TEST_F(IceLiteAgentTest, NothingExpiresBeforeStart) {
  agent_.onTimer(seconds(1000));
  EXPECT_EQ(observer_.expired, 0);
  EXPECT_FALSE(agent_.consentDeadline());
}

TEST_F(IceLiteAgentTest, AnyValidCheckKeepsConsent) {
  agent_.start(seconds(0));
  agent_.onCheck(check(kWifi, true), seconds(0));
  for (int t = 20; t <= 200; t += 20) {
    agent_.onCheck(check(kRelayish, false), seconds(t));  // consent checks on any pair count
    agent_.onTimer(seconds(t + 15));
  }
  EXPECT_EQ(observer_.expired, 0);
  EXPECT_EQ(agent_.state(), IceState::kConnected);
}

TEST_F(IceLiteAgentTest, RestartTakesNewCredentialsAndKeepsThePathUntilRenominated) {
  agent_.onCheck(check(kWifi, true), seconds(1));
  agent_.restart({"newufrag", "newpassword-newpassword-new"});
  EXPECT_EQ(agent_.localCredentials().ufrag, "newufrag");
  EXPECT_EQ(agent_.selectedPath(), kWifi);  // media keeps flowing during the restart
  agent_.setRemoteUfrag("peer2");
  IceCheck renominate = check(kCellular, true);
  renominate.remoteUfrag = "peer2";
  EXPECT_EQ(agent_.onCheck(renominate, seconds(3)), IceCheckAnswer::kSuccess);
  EXPECT_EQ(agent_.selectedPath(), kCellular);
  EXPECT_EQ(agent_.onCheck(check(kWifi, true), seconds(4)), IceCheckAnswer::kStaleUfrag);
}

TEST(IceCredentialsTest, GeneratedCredentialsAreLongRandomIceChars) {
  const IceCredentials first = IceCredentials::generate();
  const IceCredentials second = IceCredentials::generate();
  EXPECT_EQ(first.ufrag.size(), 16U);
  EXPECT_EQ(first.pwd.size(), 32U);
  EXPECT_NE(first, second);
  for (const char c : first.ufrag + first.pwd) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/') << c;
  }
}

}  // namespace
}  // namespace chorus::media
