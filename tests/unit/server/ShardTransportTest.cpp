// A WebRTC transport on a running shard, reached over real UDP on loopback: ICE, DTLS and SRTP
// both ways through the shard's batched socket, its demultiplexing and its transport table,
// with a WebRtcTestClient playing the browser from the test's thread.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include <boost/asio/post.hpp>

#include <gtest/gtest.h>

#include "media/security/DtlsCertificate.h"
#include "media/wire/PacketPool.h"
#include "media/wire/RtcpReceiverReport.h"
#include "server/shard/ShardPool.h"
#include "tests/unit/media/SrtpTestPackets.h"
#include "tests/unit/server/LoopbackWebRtcClient.h"
#include "tests/unit/server/ShardTestSupport.h"

namespace chorus::server {
namespace {
using testing::browserCertificate;
using testing::eventually;
using testing::onShard;
using testing::serverCertificate;
namespace asio = boost::asio;
using Bytes = std::vector<std::uint8_t>;

constexpr TransportId kTransportId = 7;

std::uint64_t received(const media::PacketCounters& counters, media::PacketKind kind) {
  return counters.datagramsReceived[static_cast<std::size_t>(kind)].value();
}

const media::RelaxedCounter& dropped(const media::PacketCounters& counters,
                                     media::DropReason reason) {
  return counters.datagramsDropped[static_cast<std::size_t>(reason)];
}

Bytes receiverReport(std::uint32_t sender, std::uint32_t source) {
  media::RtcpReportBlock block;
  block.ssrc = source;
  block.extendedHighestSequence = 1000;
  std::array<std::uint8_t, 64> buffer{};
  const auto size = media::RtcpReceiverReport::build(buffer, sender, std::span(&block, 1));
  return {buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(size.value_or(0))};
}

class ShardTransportTest : public ::testing::TestWithParam<media::DtlsRole> {};

TEST_P(ShardTransportTest, IceDtlsAndSrtpBothWaysOverLoopbackUdp) {
  const media::DtlsRole serverRole = GetParam();
  // The shard's thread sends from this pool; it outlives the shards, whose socket may still
  // hold its packets when they stop.
  media::PacketPool serverMedia(4);
  Config config;
  config.media.portBase = 0;
  ShardPool pool(config, 1, serverCertificate());
  pool.start();
  Shard& shard = pool.shard(0);
  const media::PacketCounters& counters = shard.counters();

  const media::IceCredentials browserIce = media::IceCredentials::generate();
  media::WebRtcTransportConfig transportConfig;
  transportConfig.localIce = media::IceCredentials::generate();
  transportConfig.remoteUfrag = browserIce.ufrag;
  transportConfig.dtlsRole = serverRole;
  transportConfig.peerFingerprint = browserCertificate().fingerprint();
  onShard(shard, [&] { return &shard.addTransport(kTransportId, transportConfig); });

  test::WebRtcTestClientConfig clientConfig;
  clientConfig.localIce = browserIce;
  clientConfig.serverIce = transportConfig.localIce;
  clientConfig.dtlsRole =
      serverRole == media::DtlsRole::kServer ? media::DtlsRole::kClient : media::DtlsRole::kServer;
  clientConfig.serverFingerprint = serverCertificate().fingerprint();
  LoopbackWebRtcClient browser(clientConfig, browserCertificate(), shard.mediaEndpoint());
  test::WebRtcTestClient& client = browser.client();

  ASSERT_TRUE(browser.connect());
  const auto answers = client.takeAnswers();
  ASSERT_FALSE(answers.empty());
  EXPECT_EQ(answers.back().mappedAddress, browser.localAddress());
  EXPECT_TRUE(client.nominated());
  EXPECT_EQ(onShard(shard, [&] { return shard.transport(kTransportId)->selectedPath(); }),
            browser.localAddress());
  EXPECT_TRUE(onShard(shard, [&] { return shard.transport(kTransportId)->connected(); }));
  EXPECT_GE(received(counters, media::PacketKind::kStun), 1U);
  EXPECT_GE(received(counters, media::PacketKind::kDtls), 2U);

  // Up: every packet authenticates and decrypts (an SRTP failure would count a drop).
  constexpr std::uint16_t kRtpPackets = 40;
  constexpr std::uint32_t kRtcpPackets = 5;
  for (std::uint16_t seq = 0; seq < kRtpPackets; ++seq) {
    ASSERT_TRUE(client.sendRtp(media::testing::rtpPacket(0xb0b, seq, 1000, 0, true)));
  }
  for (std::uint32_t i = 0; i < kRtcpPackets; ++i) {
    ASSERT_TRUE(client.sendRtcp(receiverReport(0xb0b + i, 0xa11ce)));
  }
  ASSERT_TRUE(eventually(
      counters.datagramsReceived[static_cast<std::size_t>(media::PacketKind::kRtp)], kRtpPackets));
  ASSERT_TRUE(
      eventually(counters.datagramsReceived[static_cast<std::size_t>(media::PacketKind::kRtcp)],
                 kRtcpPackets));
  for (const auto& drops : counters.datagramsDropped) {
    EXPECT_EQ(drops.value(), 0U);
  }

  // A replayed packet (the same index again) is counted, not delivered.
  ASSERT_TRUE(client.sendRtp(media::testing::rtpPacket(0xb0b, 0, 1000, 0, true)));
  EXPECT_TRUE(eventually(dropped(counters, media::DropReason::kSrtpReplay), 1));

  // Down: the transport protects, the shard's socket sends, the browser unprotects.
  const Bytes down = media::testing::rtpPacket(0xa11ce, 500, 1100);
  const Bytes downReport = receiverReport(0xa11ce, 0xb0b);
  const bool sent = onShard(shard, [&] {
    media::WebRtcTransport& transport = *shard.transport(kTransportId);
    const auto packetOf = [&serverMedia](const Bytes& bytes) {
      media::PacketRef packet = serverMedia.acquire();
      std::copy(bytes.begin(), bytes.end(), packet->bytes.begin());
      packet->length = bytes.size();
      return packet;
    };
    return transport.sendRtp(packetOf(down)) && transport.sendRtcp(packetOf(downReport));
  });
  ASSERT_TRUE(sent);
  std::vector<Bytes> rtp;
  std::vector<Bytes> rtcp;
  EXPECT_TRUE(browser.driveUntil([&] {
    for (auto& packet : client.takeRtp()) {
      rtp.push_back(std::move(packet));
    }
    for (auto& packet : client.takeRtcp()) {
      rtcp.push_back(std::move(packet));
    }
    return !rtp.empty() && !rtcp.empty();
  }));
  EXPECT_EQ(rtp, std::vector<Bytes>{down});
  EXPECT_EQ(rtcp, std::vector<Bytes>{downReport});
  EXPECT_EQ(client.rejectedSrtp(), 0U);
  // The shard counts a send after sendmmsg returns, which can be after the client has read it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (counters.datagramsSent.value() < 4 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_GE(counters.datagramsSent.value(), 4U);  // answer, DTLS flight(s), RTP, RTCP

  pool.stop();
}

INSTANTIATE_TEST_SUITE_P(BothRoles, ShardTransportTest,
                         ::testing::Values(media::DtlsRole::kServer, media::DtlsRole::kClient),
                         [](const auto& info) {
                           return info.param == media::DtlsRole::kServer ? "DtlsServer"
                                                                         : "DtlsClient";
                         });

}  // namespace
}  // namespace chorus::server
