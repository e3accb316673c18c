// The packet path allocates nothing: after warm-up, a shard receives, classifies, counts and
// drops datagrams, receives, demultiplexes and unprotects a connected transport's SRTP, and
// answers ICE checks over TCP, without a single call to operator new or to OpenSSL's allocator
// on its thread (tests/support/AllocationCounter counts them per thread).
#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <new>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include "media/security/DtlsCertificate.h"
#include "media/wire/RtcpReceiverReport.h"
#include "media/wire/StunMessageBuilder.h"
#include "server/net/IceTcpListener.h"
#include "server/shard/ShardPool.h"
#include "tests/support/AllocationCounter.h"
#include "tests/unit/media/SrtpTestPackets.h"
#include "tests/unit/server/LoopbackWebRtcClient.h"
#include "tests/unit/server/ShardTestSupport.h"

namespace chorus::server {
namespace {
using testing::anyPortsConfig;
using testing::browserCertificate;
using testing::eventually;
using testing::serverCertificate;
namespace asio = boost::asio;

using Allocations = test::AllocationCount;

// Reads the shard thread's allocation counts by running a read on that thread.
Allocations allocationsOnShard(Shard& shard) {
  std::promise<Allocations> counts;
  auto future = counts.get_future();
  asio::post(shard.context(), [&counts] { counts.set_value(test::allocationsOnThisThread()); });
  return future.get();
}

// Sends `bursts` bursts of 50 RTP-looking datagrams, each burst small enough for the socket's
// receive buffer, and waits (bounded) until the shard has counted every one.
void sendAndWait(Shard& shard, asio::ip::udp::socket& socket, int bursts) {
  constexpr int kBurst = 50;
  constexpr std::size_t kSize = 100;
  const std::string rtp = "\x80\x60" + std::string(kSize - 2, 'r');  // RTP, payload type 96
  const auto& received = shard.counters().bytesReceived;
  for (int burst = 0; burst < bursts; ++burst) {
    const std::uint64_t expected = received.value() + kBurst * kSize;
    for (int i = 0; i < kBurst; ++i) {
      socket.send_to(asio::buffer(rtp), shard.mediaEndpoint());
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (received.value() < expected && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    ASSERT_EQ(received.value(), expected);
  }
}

TEST(ShardAllocationTest, ReceivingDatagramsAllocatesNothingOnTheShardThread) {
  const Config config = anyPortsConfig();
  ShardPool pool(config, 1, serverCertificate());
  pool.start();
  Shard& shard = pool.shard(0);
  asio::io_context client;
  asio::ip::udp::socket socket(client, asio::ip::udp::endpoint(asio::ip::udp::v4(), 0));

  sendAndWait(shard, socket, 2);  // warm-up: Asio's per-thread handler memory cache fills
  const std::uint64_t before = allocationsOnShard(shard).operatorNew;
  sendAndWait(shard, socket, 100);
  const std::uint64_t after = allocationsOnShard(shard).operatorNew;
  EXPECT_EQ(after - before, 0U) << "allocations on the shard thread for 5000 datagrams";
  EXPECT_EQ(
      shard.counters().datagramsReceived[static_cast<std::size_t>(media::PacketKind::kRtp)].value(),
      5100U);
  pool.stop();
}

// Sends `bursts` bursts of 49 SRTP packets, one SRTCP receiver report and one consent check
// (RFC 7675: a browser keeps checking its selected pair), and waits (bounded) until the shard
// has counted every packet, and the browser has the check's answer.
void sendSrtpAndWait(Shard& shard, LoopbackWebRtcClient& browser, std::uint16_t& seq, int bursts) {
  constexpr int kRtpPerBurst = 49;
  const auto& counters = shard.counters();
  const auto& rtp = counters.datagramsReceived[static_cast<std::size_t>(media::PacketKind::kRtp)];
  const auto& rtcp = counters.datagramsReceived[static_cast<std::size_t>(media::PacketKind::kRtcp)];
  std::vector<std::uint8_t> packet = media::testing::rtpPacket(0xb0b, 0, 1000, 0, true);
  std::array<std::uint8_t, 64> report{};
  const media::RtcpReportBlock block{.ssrc = 0xa11ce};
  const std::size_t reportSize =
      media::RtcpReceiverReport::build(report, 0xb0b, std::span(&block, 1)).value_or(0);
  test::WebRtcTestClient& client = browser.client();
  for (int burst = 0; burst < bursts; ++burst) {
    const std::uint64_t expectedRtp = rtp.value() + kRtpPerBurst;
    const std::uint64_t expectedRtcp = rtcp.value() + 1;
    for (int i = 0; i < kRtpPerBurst; ++i, ++seq) {
      media::storeBe16(packet, 2, seq);
      ASSERT_TRUE(client.sendRtp(packet));
    }
    ASSERT_TRUE(client.sendRtcp(std::span(report).first(reportSize)));
    client.sendCheck(std::chrono::steady_clock::now());
    bool answered = false;
    ASSERT_TRUE(browser.driveUntil([&] {
      answered = answered || !client.takeAnswers().empty();
      return answered && rtp.value() == expectedRtp && rtcp.value() == expectedRtcp;
    }));
  }
}

TEST(ShardAllocationTest, ReceivingAndUnprotectingSrtpAllocatesNothingOnTheShardThread) {
  ASSERT_TRUE(test::opensslAllocationsCounted()) << "OpenSSL allocated before the hooks went in";
  const Config config = anyPortsConfig();
  ShardPool pool(config, 1, serverCertificate());
  pool.start();
  Shard& shard = pool.shard(0);

  const media::IceCredentials browserIce = media::IceCredentials::generate();
  media::WebRtcTransportConfig transportConfig;
  transportConfig.localIce = media::IceCredentials::generate();
  transportConfig.remoteUfrag = browserIce.ufrag;
  transportConfig.peerFingerprint = browserCertificate().fingerprint();
  std::promise<void> added;
  asio::post(shard.context(), [&] {
    shard.addTransport(1, transportConfig);
    added.set_value();
  });
  added.get_future().get();
  test::WebRtcTestClientConfig clientConfig;
  clientConfig.localIce = browserIce;
  clientConfig.serverIce = transportConfig.localIce;
  clientConfig.serverFingerprint = serverCertificate().fingerprint();
  LoopbackWebRtcClient browser(clientConfig, browserCertificate(), shard.mediaEndpoint());
  ASSERT_TRUE(browser.connect());

  std::uint16_t seq = 0;
  // Warm-up: Asio's handler memory, the SRTP stream's table slot, OpenSSL's cipher contexts.
  sendSrtpAndWait(shard, browser, seq, 4);
  const Allocations before = allocationsOnShard(shard);
  sendSrtpAndWait(shard, browser, seq, 60);
  const Allocations after = allocationsOnShard(shard);
  EXPECT_EQ(after.operatorNew - before.operatorNew, 0U)
      << "operator new on the shard thread for 2940 SRTP, 60 SRTCP and 60 STUN datagrams";
  EXPECT_EQ(after.openssl - before.openssl, 0U)
      << "OpenSSL allocations on the shard thread for the same";
  EXPECT_GT(before.openssl, 0U) << "the OpenSSL hooks counted nothing during the handshake";
  for (const auto& drops : shard.counters().datagramsDropped) {
    EXPECT_EQ(drops.value(), 0U) << "every packet authenticated and decrypted";
  }
  pool.stop();
}

// One ICE-TCP round trip: a framed, signed check out, the framed response back.
void checkOverTcp(asio::ip::tcp::socket& client, const std::vector<std::uint8_t>& check) {
  asio::write(client, asio::buffer(check));
  std::array<std::uint8_t, 2> length{};
  asio::read(client, asio::buffer(length));
  std::vector<std::uint8_t> response((std::size_t{length[0]} << 8) | length[1]);
  asio::read(client, asio::buffer(response));
}

// Over ICE-TCP the shard reads frames into pool packets, routes them as datagrams, and writes
// the answers through the connection's send ring: after warm-up, no allocation either.
TEST(ShardAllocationTest, IceTcpChecksAndAnswersAllocateNothingOnTheShardThread) {
  const Config config = anyPortsConfig();
  ShardPool pool(config, 1, serverCertificate());
  pool.start();
  Shard& shard = pool.shard(0);
  media::WebRtcTransportConfig transport;
  transport.localIce = media::IceCredentials::generate();
  std::promise<void> added;
  asio::post(shard.context(), [&] {
    shard.addTransport(1, transport);
    added.set_value();
  });
  added.get_future().get();

  asio::io_context control;
  auto work = asio::make_work_guard(control);
  IceTcpListener listener(control, {asio::ip::make_address("127.0.0.1"), 0}, pool,
                          IceTcpListener::Limits{});
  listener.start();
  std::thread controlThread([&control] { control.run(); });

  std::vector<std::uint8_t> check(2 + media::PacketSlot::kCapacity);
  const std::string username = transport.localIce.ufrag + ":peer";
  media::StunBindingRequestFields fields;
  fields.username = username;
  fields.priority = 1;
  fields.tieBreaker = 7;
  const auto size = media::StunMessageBuilder::bindingRequest(
      std::span(check).subspan(2), fields,
      media::StunIntegrityKey(std::string_view(transport.localIce.pwd)));
  check.resize(2 + size.value());
  media::writeFrameLength(std::span(check).first<2>(), *size);

  asio::io_context clientContext;
  asio::ip::tcp::socket client(clientContext);
  client.connect(listener.localEndpoint());
  for (int i = 0; i < 50; ++i) {  // warm-up: the first check binds the address, Asio's caches fill
    checkOverTcp(client, check);
  }
  // A write's completion may run just after the client has read its bytes: wait for it.
  ASSERT_TRUE(eventually(shard.counters().datagramsSent, 50));
  const Allocations before = allocationsOnShard(shard);
  for (int i = 0; i < 1000; ++i) {
    checkOverTcp(client, check);
  }
  ASSERT_TRUE(eventually(shard.counters().datagramsSent, 1050));
  const Allocations after = allocationsOnShard(shard);
  EXPECT_EQ(after.operatorNew - before.operatorNew, 0U)
      << "operator new on the shard thread for 1000 ICE-TCP checks";
  EXPECT_EQ(after.openssl - before.openssl, 0U)
      << "OpenSSL allocations on the shard thread for 1000 ICE-TCP checks";

  control.stop();
  controlThread.join();
  pool.stop();
}

}  // namespace
}  // namespace chorus::server
