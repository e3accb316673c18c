// A TcpIceConnection over a real loopback TCP connection: the test holds the peer's end as a
// plain blocking socket and runs the connection's io_context itself, one handler at a time.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <vector>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include "server/net/TcpIceConnection.h"

namespace chorus::server {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;

std::uint64_t drops(const media::PacketCounters& counters, media::DropReason reason) {
  return counters.datagramsDropped[static_cast<std::size_t>(reason)].value();
}

std::string framed(const std::string& packet) {
  return std::string{static_cast<char>(packet.size() >> 8), static_cast<char>(packet.size())} +
         packet;
}

class RecordingReceiver : public TcpFrameReceiver {
 public:
  void onFrame(TcpIceConnection& /*connection*/, media::PacketRef& packet) override {
    const auto bytes = packet->data();
    frames.emplace_back(bytes.begin(), bytes.end());
    if (closeOnFrame != nullptr) {
      closeOnFrame->close();
    }
  }
  void onConnectionClosed(TcpIceConnection& /*connection*/, TcpCloseReason reason) override {
    closed = reason;
  }

  std::vector<std::string> frames;
  std::optional<TcpCloseReason> closed;
  TcpIceConnection* closeOnFrame = nullptr;
};

class TcpIceConnectionTest : public ::testing::Test {
 protected:
  TcpIceConnectionTest() {
    tcp::acceptor acceptor(context_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    peer_.connect(acceptor.local_endpoint());
    server_ = acceptor.accept();
    // The peer's blocking reads give up rather than hang a failing test.
    const timeval timeout{10, 0};
    setsockopt(peer_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }

  TcpIceConnection& connect(const media::StreamFramer& received = {}) {
    connection_.emplace(std::move(server_), kRemote, received, pool_, counters_, receiver_);
    connection_->start();
    return *connection_;
  }

  // Runs handlers until `done` holds, for at most 10 s.
  bool runUntil(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      context_.run_one_for(std::chrono::milliseconds(100));
    }
    return done();
  }

  media::PacketRef packetOf(const std::string& bytes) {
    media::PacketRef packet = pool_.acquire();
    std::copy(bytes.begin(), bytes.end(), packet->bytes.begin());
    packet->length = bytes.size();
    return packet;
  }

  // One frame as the peer reads it: the length, then that many bytes.
  std::string peerReadFrame() {
    std::array<std::uint8_t, 2> length{};
    asio::read(peer_, asio::buffer(length));
    std::string packet((std::size_t{length[0]} << 8) | length[1], '\0');
    asio::read(peer_, asio::buffer(packet));
    return packet;
  }

  bool peerSeesEndOfStream() {
    std::array<char, 64> sink{};
    boost::system::error_code error;
    while (!error) {
      peer_.read_some(asio::buffer(sink), error);
    }
    return error == asio::error::eof || error == asio::error::connection_reset;
  }

  static inline const media::SocketAddress kRemote =
      media::SocketAddress::ipv4({192, 0, 2, 7}, 50000);
  asio::io_context context_;
  tcp::socket peer_{context_};
  tcp::socket server_{context_};
  media::PacketPool pool_{128};
  media::PacketCounters counters_;
  RecordingReceiver receiver_;
  std::optional<TcpIceConnection> connection_;
};

TEST_F(TcpIceConnectionTest, FramesSplitAnyhowArriveWholeAndInOrder) {
  connect();
  const std::string stream = framed("abc") + framed("hello") + framed(std::string(1500, 'x'));
  for (const std::size_t cut : {1U, 4U, 9U, 300U}) {  // inside a length, a packet, ...
    asio::write(peer_, asio::buffer(stream.substr(0, cut)));
    asio::write(peer_, asio::buffer(stream.substr(cut)));
  }
  ASSERT_TRUE(runUntil([this] { return receiver_.frames.size() == 12; }));
  for (std::size_t i = 0; i < 12; i += 3) {
    EXPECT_EQ(receiver_.frames[i], "abc");
    EXPECT_EQ(receiver_.frames[i + 1], "hello");
    EXPECT_EQ(receiver_.frames[i + 2], std::string(1500, 'x'));
  }
  EXPECT_EQ(pool_.available(), pool_.capacity()) << "every frame's slot went back";
}

TEST_F(TcpIceConnectionTest, BytesReadBeforeTheHandOffAreDeliveredAtStart) {
  media::StreamFramer received;
  const std::string early =
      framed("first") + framed("second") + std::string(1, '\0');  // and half a length
  const auto space = received.writable();
  std::copy(early.begin(), early.end(), space.begin());
  received.commit(early.size());
  connect(received);
  ASSERT_EQ(receiver_.frames, (std::vector<std::string>{"first", "second"}));
  asio::write(peer_, asio::buffer(std::string("\x05third", 6)));
  ASSERT_TRUE(runUntil([this] { return receiver_.frames.size() == 3; }));
  EXPECT_EQ(receiver_.frames[2], "third");
}

TEST_F(TcpIceConnectionTest, SentPacketsArriveBehindTheirLengthInOrder) {
  TcpIceConnection& connection = connect();
  connection.send(packetOf("one"));
  connection.send(packetOf("two!"));
  connection.send(packetOf(std::string(1200, 'v')));
  ASSERT_TRUE(runUntil([&connection] { return connection.queuedPackets() == 0; }));
  EXPECT_EQ(peerReadFrame(), "one");
  EXPECT_EQ(peerReadFrame(), "two!");
  EXPECT_EQ(peerReadFrame(), std::string(1200, 'v'));
  EXPECT_EQ(counters_.datagramsSent.value(), 3U);
  EXPECT_EQ(counters_.bytesSent.value(), 3U + 4U + 1200U);
  EXPECT_EQ(pool_.available(), pool_.capacity());
}

// Without the loop running, no write completes: the ring fills and the rest is dropped.
TEST_F(TcpIceConnectionTest, AFullSendQueueDropsAndCountsAndNeverGrows) {
  TcpIceConnection& connection = connect();
  constexpr std::size_t kExtra = 10;
  for (std::size_t i = 0; i < TcpIceConnection::kSendQueuePackets + kExtra; ++i) {
    connection.send(packetOf("packet-" + std::to_string(i)));
  }
  EXPECT_EQ(connection.queuedPackets(), TcpIceConnection::kSendQueuePackets);
  EXPECT_EQ(drops(counters_, media::DropReason::kTcpBackpressure), kExtra);
  EXPECT_EQ(pool_.available(), pool_.capacity() - TcpIceConnection::kSendQueuePackets);
  ASSERT_TRUE(runUntil([&connection] { return connection.queuedPackets() == 0; }));
  for (std::size_t i = 0; i < TcpIceConnection::kSendQueuePackets; ++i) {
    ASSERT_EQ(peerReadFrame(), "packet-" + std::to_string(i));
  }
  // The ring wraps: more packets after it drained go out too.
  connection.send(packetOf("after"));
  ASSERT_TRUE(runUntil([&connection] { return connection.queuedPackets() == 0; }));
  EXPECT_EQ(peerReadFrame(), "after");
}

// Small kernel buffers make the kernel take each gathered write in pieces; every byte still
// arrives, in order, while the peer reads on its own thread.
TEST_F(TcpIceConnectionTest, WritesTheKernelTakesInPiecesAreCompleted) {
  const int small = 16384;
  setsockopt(server_.native_handle(), SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
  setsockopt(peer_.native_handle(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  TcpIceConnection& connection = connect();
  const auto packet = [](std::size_t i) {
    return std::string(1900, static_cast<char>('a' + i % 26));
  };
  std::vector<std::string> read;
  std::thread reader([this, &read] {
    for (std::size_t i = 0; i < TcpIceConnection::kSendQueuePackets; ++i) {
      read.push_back(peerReadFrame());
    }
  });
  for (std::size_t i = 0; i < TcpIceConnection::kSendQueuePackets; ++i) {
    connection.send(packetOf(packet(i)));
  }
  EXPECT_TRUE(runUntil([&connection] { return connection.queuedPackets() == 0; }));
  reader.join();
  ASSERT_EQ(read.size(), TcpIceConnection::kSendQueuePackets);
  for (std::size_t i = 0; i < read.size(); ++i) {
    EXPECT_EQ(read[i], packet(i)) << i;
  }
  EXPECT_EQ(drops(counters_, media::DropReason::kTcpBackpressure), 0U);
}

TEST_F(TcpIceConnectionTest, AnOverlongFrameClosesTheConnection) {
  connect();
  const std::array<std::uint8_t, 4> tooLong{0x08, 0x01, 'x', 'x'};  // 2049 bytes announced
  asio::write(peer_, asio::buffer(tooLong));
  ASSERT_TRUE(runUntil([this] { return receiver_.closed.has_value(); }));
  EXPECT_EQ(receiver_.closed, TcpCloseReason::kFraming);
  EXPECT_FALSE(connection_->isOpen());
  EXPECT_TRUE(peerSeesEndOfStream());
}

TEST_F(TcpIceConnectionTest, APeerThatClosesIsReported) {
  connect();
  asio::write(peer_, asio::buffer(framed("bye")));
  peer_.shutdown(tcp::socket::shutdown_send);
  ASSERT_TRUE(runUntil([this] { return receiver_.closed.has_value(); }));
  EXPECT_EQ(receiver_.frames, std::vector<std::string>{"bye"});
  EXPECT_EQ(receiver_.closed, TcpCloseReason::kPeerClosed);
}

TEST_F(TcpIceConnectionTest, CloseFromInsideOnFrameStopsDeliveryAndSendsAreCounted) {
  TcpIceConnection& connection = connect();
  receiver_.closeOnFrame = &connection;
  asio::write(peer_, asio::buffer(framed("a") + framed("b")));
  ASSERT_TRUE(runUntil([&connection] { return !connection.isOpen(); }));
  EXPECT_EQ(receiver_.frames, std::vector<std::string>{"a"});
  EXPECT_FALSE(receiver_.closed) << "close() is the owner's own decision: no callback";
  connection.send(packetOf("late"));
  EXPECT_EQ(drops(counters_, media::DropReason::kTcpClosed), 1U);
  EXPECT_TRUE(peerSeesEndOfStream());
  EXPECT_EQ(pool_.available(), pool_.capacity());
}

TEST(TcpCloseReasonTest, EveryReasonHasAMetricLabel) {
  for (std::size_t reason = 0; reason < kTcpCloseReasonCount; ++reason) {
    EXPECT_NE(toString(static_cast<TcpCloseReason>(reason)), "unknown");
  }
}

}  // namespace
}  // namespace chorus::server
