// Two chorusd nodes on loopback that know each other (cluster.peers): a room's participants all
// reach one node whichever node they connect to first (the other answers room_elsewhere with
// the owner's URL, and after following it the participants see each other), rooms spread over
// both nodes as rendezvous hashing says, and /cluster/state answers only with cluster.secret.
//
// The two nodes must know each other's control ports before either starts. Each port is chosen
// by the kernel (bind to port 0) and held by a bound, not listening, SO_REUSEADDR socket until
// its chorusd has bound it too, so no other process can take it in between.
#include <chrono>
#include <map>
#include <netinet/in.h>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include "signaling/cluster/NodeState.h"
#include "signaling/cluster/RoomPlacement.h"
#include "tests/integration/ChorusdProcess.h"
#include "tests/integration/HttpProbe.h"
#include "tests/integration/SignalingClient.h"
#include "tests/integration/TestApplication.h"
#include "tests/integration/TestCertificate.h"

namespace chorus::test {
namespace {
namespace json = boost::json;

constexpr std::string_view kSecret = "cluster-test-secret";
const TestApplication kApplication{"cluster-app", "cluster-secret-cluster-secret-cluster-se"};

// A kernel-chosen TCP port on 127.0.0.1, kept from other processes while it lives.
class ReservedPort {
 public:
  ReservedPort() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    const int on = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot reserve a port");
    }
    port_ = ntohs(address.sin_port);
  }
  ~ReservedPort() { close(fd_); }
  ReservedPort(const ReservedPort&) = delete;
  ReservedPort& operator=(const ReservedPort&) = delete;

  std::uint16_t port() const { return port_; }

 private:
  int fd_;
  std::uint16_t port_ = 0;
};

std::string advertiseUrl(std::uint16_t port) {
  return "ws://127.0.0.1:" + std::to_string(port) + "/ws";
}

std::string controlUrl(std::uint16_t port) {
  return "http://127.0.0.1:" + std::to_string(port);
}

std::vector<std::string> nodeFlags(std::uint16_t port, std::uint16_t peer,
                                   const std::string& applications) {
  return {"--http.port",
          std::to_string(port),
          "--media.port_base",
          "0",
          "--media.tcp_port",
          "0",
          "--workers.count",
          "1",
          "--auth.applications_file",
          applications,
          "--cluster.advertise_url",
          advertiseUrl(port),
          "--cluster.peers",
          controlUrl(peer),
          "--cluster.probe_interval_seconds",
          "1"};
}

// The port of a ws://127.0.0.1:<port>/ws URL.
std::uint16_t portOf(std::string_view url) {
  const auto colon = url.rfind(':');
  return static_cast<std::uint16_t>(std::stoi(std::string(url.substr(colon + 1))));
}

HttpReply clusterState(std::uint16_t port, std::string_view authorization) {
  std::string request = "GET /cluster/state HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
  if (!authorization.empty()) {
    request += "Authorization: " + std::string(authorization) + "\r\n";
  }
  return httpExchange(port, request + "\r\n");
}

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto applications = kApplication.writeFile("chorus-cluster-applications.yaml");
    const std::vector<std::string> secret{"CHORUS_CLUSTER_SECRET=" + std::string(kSecret)};
    a_.emplace(nodeFlags(portA_.port(), portB_.port(), applications), secret);
    b_.emplace(nodeFlags(portB_.port(), portA_.port(), applications), secret);
    // Each node has seen the other ready: from now on they place rooms alike.
    ASSERT_TRUE(a_->waitForLine("cluster_peer peer=" + controlUrl(portB_.port()) + " state=ready"))
        << a_->output();
    ASSERT_TRUE(b_->waitForLine("cluster_peer peer=" + controlUrl(portA_.port()) + " state=ready"))
        << b_->output();
  }

  // The node rendezvous hashing gives `room` to.
  std::uint16_t expectedOwner(std::string_view room) const {
    const auto weightA = signaling::RoomPlacement::weight(advertiseUrl(portA_.port()), room);
    const auto weightB = signaling::RoomPlacement::weight(advertiseUrl(portB_.port()), room);
    return weightA > weightB ? portA_.port() : portB_.port();
  }

  // Connects to `port`, authenticates and joins `room`, following one room_elsewhere as the
  // SDK does; the connection that joined and the port it joined on.
  static std::pair<std::unique_ptr<SignalingClient>, std::uint16_t> joinVia(
      std::uint16_t port, const std::string& user, const std::string& room,
      json::object* reply = nullptr, std::optional<std::uint16_t>* redirectedTo = nullptr) {
    for (int hop = 0; hop < 2; ++hop) {
      auto client = std::make_unique<SignalingClient>(port);
      EXPECT_TRUE(
          client->call("authenticate", {{"token", kApplication.mint(user)}}).contains("result"));
      auto joined = client->call("join", {{"room", room}, {"kind", "group"}});
      if (errorCode(joined) != "room_elsewhere") {
        EXPECT_TRUE(joined.contains("result")) << json::serialize(joined);
        if (reply != nullptr) {
          *reply = joined;
        }
        return {std::move(client), port};
      }
      const auto& url = joined.at("error").at("details").at("url").as_string();
      port = portOf(url);
      if (redirectedTo != nullptr) {
        *redirectedTo = port;
      }
    }
    ADD_FAILURE() << "redirected twice joining " << room;
    return {nullptr, 0};
  }

  ReservedPort portA_;
  ReservedPort portB_;
  std::optional<ChorusdProcess> a_;
  std::optional<ChorusdProcess> b_;
};

TEST_F(ClusterTest, ParticipantsOfARoomMeetOnOneNodeWhicheverNodeTheyReachFirst) {
  const std::string room = "standup";
  const std::uint16_t owner = expectedOwner(room);
  const std::uint16_t other = owner == portA_.port() ? portB_.port() : portA_.port();

  // Alice comes in through the owner and stays; Bob through the other node, which sends him on.
  auto [alice, aliceNode] = joinVia(owner, "alice", room);
  ASSERT_TRUE(alice);
  EXPECT_EQ(aliceNode, owner);
  json::object bobJoined;
  std::optional<std::uint16_t> redirectedTo;
  auto [bob, bobNode] = joinVia(other, "bob", room, &bobJoined, &redirectedTo);
  ASSERT_TRUE(bob);
  EXPECT_EQ(redirectedTo, owner);
  EXPECT_EQ(bobNode, owner);

  // After following the redirect they are in one room: each sees the other.
  const auto& present = bobJoined.at("result").at("participants").as_array();
  ASSERT_EQ(present.size(), 1U);
  EXPECT_EQ(present[0].at("user"), "alice");
  const auto event = alice->next();
  EXPECT_EQ(event.at("type"), "participant_joined");
  EXPECT_EQ(event.at("participant").at("user"), "bob");

  // The node that refused Bob hosts nothing; the owner lists the room to its peers.
  const std::string bearer = "Bearer " + std::string(kSecret);
  const auto ownerState = signaling::parseNodeState(clusterState(owner, bearer).body);
  ASSERT_TRUE(ownerState);
  EXPECT_TRUE(ownerState->ready);
  EXPECT_EQ(ownerState->url, advertiseUrl(owner));
  EXPECT_EQ(ownerState->rooms, std::vector<std::string>{room});
  const auto otherState = signaling::parseNodeState(clusterState(other, bearer).body);
  ASSERT_TRUE(otherState);
  EXPECT_TRUE(otherState->rooms.empty());
}

TEST_F(ClusterTest, RoomsSpreadOverBothNodesAsRendezvousHashingSays) {
  // Ids until each node is expected to get two (the URLs hold kernel-chosen ports, so which ids
  // go where differs from run to run; the hashing is checked, not a fixed outcome).
  std::map<std::uint16_t, int> expected;
  std::vector<std::string> rooms;
  for (int i = 0; i < 64 && (expected[portA_.port()] < 2 || expected[portB_.port()] < 2); ++i) {
    rooms.push_back("room-" + std::to_string(i));
    ++expected[expectedOwner(rooms.back())];
  }
  ASSERT_GE(expected[portA_.port()], 2);
  ASSERT_GE(expected[portB_.port()], 2);
  std::vector<std::unique_ptr<SignalingClient>> clients;
  std::map<std::uint16_t, int> landed;
  for (std::size_t i = 0; i < rooms.size(); ++i) {
    // Entering through A and B in turn: where a room lands does not depend on the way in.
    const std::uint16_t via = i % 2 == 0 ? portA_.port() : portB_.port();
    auto [client, node] = joinVia(via, "user-" + std::to_string(i), rooms[i]);
    ASSERT_TRUE(client);
    EXPECT_EQ(node, expectedOwner(rooms[i])) << rooms[i];
    ++landed[node];
    clients.push_back(std::move(client));
  }
  EXPECT_EQ(landed, expected);
}

TEST_F(ClusterTest, ClusterStateNeedsTheSecret) {
  EXPECT_EQ(clusterState(portA_.port(), "").status, 401);
  EXPECT_EQ(clusterState(portA_.port(), "Bearer wrong").status, 401);
  EXPECT_EQ(clusterState(portB_.port(), std::string(kSecret)).status, 401);
  const auto answered = clusterState(portB_.port(), "Bearer " + std::string(kSecret));
  EXPECT_EQ(answered.status, 200);
  const auto state = signaling::parseNodeState(answered.body);
  ASSERT_TRUE(state) << answered.body;
  EXPECT_EQ(state->url, advertiseUrl(portB_.port()));
  EXPECT_TRUE(state->ready);
}

// Nodes with TLS on their control port (the production overlay's setup) are probed over TLS:
// with https peers each sees the other ready, as with plain HTTP.
TEST(ClusterTlsTest, NodesWithTlsOnTheControlPortProbeEachOtherOverTls) {
  const TestCertificate certificate;
  const ReservedPort portA;
  const ReservedPort portB;
  const auto applications = kApplication.writeFile("chorus-cluster-tls-applications.yaml");
  const std::vector<std::string> secret{"CHORUS_CLUSTER_SECRET=" + std::string(kSecret)};
  const auto tlsNode = [&](std::uint16_t port, std::uint16_t peer) {
    std::vector<std::string> flags = nodeFlags(port, peer, applications);
    for (std::string& flag : flags) {
      if (flag == controlUrl(peer)) {
        flag = "https://127.0.0.1:" + std::to_string(peer);
      }
    }
    flags.insert(flags.end(), {"--http.tls_certificate_file", certificate.certificateFile(),
                               "--http.tls_private_key_file", certificate.privateKeyFile()});
    return flags;
  };
  ChorusdProcess a(tlsNode(portA.port(), portB.port()), secret);
  ChorusdProcess b(tlsNode(portB.port(), portA.port()), secret);
  EXPECT_TRUE(a.waitForLine("cluster_peer peer=https://127.0.0.1:" + std::to_string(portB.port()) +
                            " state=ready"))
      << a.output();
  EXPECT_TRUE(b.waitForLine("cluster_peer peer=https://127.0.0.1:" + std::to_string(portA.port()) +
                            " state=ready"))
      << b.output();
}

}  // namespace
}  // namespace chorus::test
