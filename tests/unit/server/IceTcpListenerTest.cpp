// ICE over TCP end to end on loopback: a ShardPool of two workers, the listener on its own
// io_context thread (as on chorusd's control thread), and a client speaking RFC 4571-framed
// STUN over a real TCP connection to kernel-chosen ports.
#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include "media/security/DtlsCertificate.h"
#include "media/wire/StunIntegrityKey.h"
#include "media/wire/StunMessage.h"
#include "media/wire/StunMessageBuilder.h"
#include "server/net/IceTcpListener.h"
#include "server/shard/ShardPool.h"
#include "tests/unit/server/ShardTestSupport.h"

namespace chorus::server {
namespace {
using testing::anyPortsConfig;
using testing::eventually;
using testing::onShard;
using testing::serverCertificate;
namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

media::SocketAddress toMedia(const tcp::endpoint& endpoint) {
  const auto bytes = endpoint.address().to_v4().to_bytes();
  return media::SocketAddress::ipv4(bytes, endpoint.port());
}

class IceTcpListenerTest : public ::testing::Test {
 protected:
  static constexpr TransportId kTransport = 1;  // shardFor(1) is shard 1 of 2

  void SetUp() override {
    pool_.start();
    media::WebRtcTransportConfig config;
    config.localIce = ice_;
    onShard(pool_.shard(1), [this, &config] {
      pool_.shard(1).addTransport(kTransport, config);
      return 0;
    });
    startListener(IceTcpListener::Limits{});
  }

  void TearDown() override {
    control_.stop();
    if (controlThread_.joinable()) {
      controlThread_.join();
    }
    pool_.stop();
  }

  void startListener(IceTcpListener::Limits limits) {
    listener_.emplace(control_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), pool_,
                      limits);
    listener_->start();
    controlThread_ = std::thread([this] { control_.run(); });
  }

  std::uint64_t handshakes(IceTcpHandshake result) const {
    return listener_->handshakes()[static_cast<std::size_t>(result)].value();
  }
  const media::RelaxedCounter& handshakeCounter(IceTcpHandshake result) const {
    return listener_->handshakes()[static_cast<std::size_t>(result)];
  }
  const media::RelaxedCounter& closedCounter(TcpCloseReason reason) {
    return pool_.shard(1).tcpCounters().closed[static_cast<std::size_t>(reason)];
  }

  tcp::socket connectClient() {
    tcp::socket client(clientContext_);
    client.connect(listener_->localEndpoint());
    const timeval timeout{10, 0};  // reads give up rather than hang a failing test
    setsockopt(client.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    return client;
  }

  // A check as a controlling browser sends it (RFC 8445 §7.2.2), RFC 4571-framed.
  static std::vector<std::uint8_t> framedCheck(const std::string& username,
                                               const std::string& pwd) {
    std::vector<std::uint8_t> frame(2 + media::PacketSlot::kCapacity);
    media::StunBindingRequestFields fields;
    fields.transactionId = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    fields.username = username;
    fields.priority = 0x6e7f00ff;
    fields.role = media::IceRole::kControlling;
    fields.tieBreaker = 0x1122334455667788;
    fields.useCandidate = true;
    const auto size = media::StunMessageBuilder::bindingRequest(
        std::span(frame).subspan(2), fields, media::StunIntegrityKey(std::string_view(pwd)));
    frame.resize(2 + size.value());
    media::writeFrameLength(std::span(frame).first<2>(), *size);
    return frame;
  }

  static std::vector<std::uint8_t> readFrame(tcp::socket& client) {
    std::array<std::uint8_t, 2> length{};
    asio::read(client, asio::buffer(length));
    std::vector<std::uint8_t> frame((std::size_t{length[0]} << 8) | length[1]);
    asio::read(client, asio::buffer(frame));
    return frame;
  }

  static bool seesEndOfStream(tcp::socket& client) {
    std::array<char, 256> sink{};
    boost::system::error_code error;
    while (!error) {
      client.read_some(asio::buffer(sink), error);
    }
    return error == asio::error::eof || error == asio::error::connection_reset;
  }

  ShardPool pool_{anyPortsConfig(), 2, serverCertificate()};
  media::IceCredentials ice_ = media::IceCredentials::generate();
  asio::io_context control_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_{control_.get_executor()};
  std::optional<IceTcpListener> listener_;
  std::thread controlThread_;
  asio::io_context clientContext_;
};

TEST_F(IceTcpListenerTest, ACheckOverTcpIsAnsweredByItsShardAndSelectsTheTcpPath) {
  tcp::socket client = connectClient();
  const media::SocketAddress clientAddress = toMedia(client.local_endpoint());
  asio::write(client, asio::buffer(framedCheck(ice_.ufrag + ":peer", ice_.pwd)));

  const auto frame = readFrame(client);
  const auto parsed = media::StunMessage::parse(frame);
  ASSERT_TRUE(parsed.message);
  const media::StunMessage& response = *parsed.message;
  EXPECT_EQ(response.messageClass(), media::StunClass::kSuccessResponse);
  EXPECT_EQ(response.method(), media::StunMethod::kBinding);
  EXPECT_EQ(response.xorMappedAddress(), clientAddress);
  EXPECT_TRUE(response.verifyIntegrity(media::StunIntegrityKey(std::string_view(ice_.pwd))));
  EXPECT_TRUE(response.verifyFingerprint());

  Shard& shard = pool_.shard(1);
  const auto selected =
      onShard(shard, [&shard] { return shard.transport(kTransport)->selectedPath(); });
  EXPECT_EQ(selected, clientAddress);
  EXPECT_EQ(handshakes(IceTcpHandshake::kHandedOff), 1U);
  EXPECT_EQ(shard.tcpCounters().opened.value(), 1U);
  EXPECT_EQ(shard.counters()
                .datagramsReceived[static_cast<std::size_t>(media::PacketKind::kStun)]
                .value(),
            1U);
  EXPECT_EQ(pool_.shard(0).tcpCounters().opened.value(), 0U);

  // Later checks on the same connection go straight to the shard.
  asio::write(client, asio::buffer(framedCheck(ice_.ufrag + ":peer", ice_.pwd)));
  const auto second = readFrame(client);
  ASSERT_TRUE(media::StunMessage::parse(second).message);
  EXPECT_EQ(handshakes(IceTcpHandshake::kHandedOff), 1U);
}

TEST_F(IceTcpListenerTest, RemovingTheTransportClosesItsTcpConnection) {
  tcp::socket client = connectClient();
  asio::write(client, asio::buffer(framedCheck(ice_.ufrag + ":peer", ice_.pwd)));
  readFrame(client);
  Shard& shard = pool_.shard(1);
  onShard(shard, [&shard] {
    shard.removeTransport(kTransport);
    return 0;
  });
  EXPECT_TRUE(seesEndOfStream(client));
  EXPECT_EQ(closedCounter(TcpCloseReason::kTransportGone).value(), 1U);
  // Its ufrag is gone from the directory too: a new connection naming it is refused.
  tcp::socket again = connectClient();
  asio::write(again, asio::buffer(framedCheck(ice_.ufrag + ":peer", ice_.pwd)));
  EXPECT_TRUE(seesEndOfStream(again));
  EXPECT_TRUE(eventually(handshakeCounter(IceTcpHandshake::kUnknownUfrag), 1));
}

TEST_F(IceTcpListenerTest, AnUnknownUfragIsClosedAndCounted) {
  tcp::socket client = connectClient();
  asio::write(client, asio::buffer(framedCheck("nosuchufrag:peer", ice_.pwd)));
  EXPECT_TRUE(seesEndOfStream(client));
  EXPECT_TRUE(eventually(handshakeCounter(IceTcpHandshake::kUnknownUfrag), 1));
  EXPECT_EQ(handshakes(IceTcpHandshake::kHandedOff), 0U);
}

TEST_F(IceTcpListenerTest, AFirstFrameThatIsNotAStunBindingRequestIsClosedAndCounted) {
  tcp::socket client = connectClient();
  const std::array<std::uint8_t, 7> garbage{0, 5, 0x80, 0x60, 1, 2, 3};  // a framed RTP stub
  asio::write(client, asio::buffer(garbage));
  EXPECT_TRUE(seesEndOfStream(client));
  EXPECT_TRUE(eventually(handshakeCounter(IceTcpHandshake::kNotStun), 1));
}

TEST_F(IceTcpListenerTest, AFrameLongerThanTheFramerAllowsIsClosedAndCounted) {
  tcp::socket client = connectClient();
  const std::array<std::uint8_t, 4> tooLong{0xff, 0xff, 0, 1};
  asio::write(client, asio::buffer(tooLong));
  EXPECT_TRUE(seesEndOfStream(client));
  EXPECT_TRUE(eventually(handshakeCounter(IceTcpHandshake::kFraming), 1));
}

TEST_F(IceTcpListenerTest, AKnownUfragWithAWrongPasswordIsClosedByTheShard) {
  tcp::socket client = connectClient();
  asio::write(client, asio::buffer(framedCheck(ice_.ufrag + ":peer", "not-the-password-at-all")));
  EXPECT_TRUE(seesEndOfStream(client));
  EXPECT_TRUE(eventually(closedCounter(TcpCloseReason::kUnauthenticated), 1));
  EXPECT_EQ(handshakes(IceTcpHandshake::kHandedOff), 1U);
}

TEST_F(IceTcpListenerTest, AfterAnIceRestartTheNewUfragIsRoutedAndTheOldOneRefused) {
  const media::IceCredentials restarted = media::IceCredentials::generate();
  Shard& shard = pool_.shard(1);
  onShard(shard, [&shard, &restarted] {
    shard.restartIce(kTransport, restarted, "peer");
    return 0;
  });
  tcp::socket old = connectClient();
  asio::write(old, asio::buffer(framedCheck(ice_.ufrag + ":peer", ice_.pwd)));
  EXPECT_TRUE(seesEndOfStream(old));
  tcp::socket client = connectClient();
  asio::write(client, asio::buffer(framedCheck(restarted.ufrag + ":peer", restarted.pwd)));
  const auto frame = readFrame(client);
  const auto parsed = media::StunMessage::parse(frame);
  ASSERT_TRUE(parsed.message);
  EXPECT_EQ(parsed.message->messageClass(), media::StunClass::kSuccessResponse);
  EXPECT_EQ(handshakes(IceTcpHandshake::kUnknownUfrag), 1U);
}

TEST_F(IceTcpListenerTest, AClientThatSendsNothingIsClosedAtTheHandshakeTimeout) {
  control_.stop();
  controlThread_.join();
  control_.restart();
  listener_.reset();
  startListener(IceTcpListener::Limits{std::chrono::milliseconds(100), 256});
  tcp::socket client = connectClient();
  EXPECT_TRUE(seesEndOfStream(client));
  EXPECT_TRUE(eventually(handshakeCounter(IceTcpHandshake::kTimeout), 1));
}

TEST(IceTcpHandshakeTest, EveryResultHasAMetricLabel) {
  for (std::size_t result = 0; result < kIceTcpHandshakeCount; ++result) {
    EXPECT_NE(toString(static_cast<IceTcpHandshake>(result)), "unknown");
  }
}

}  // namespace
}  // namespace chorus::server
