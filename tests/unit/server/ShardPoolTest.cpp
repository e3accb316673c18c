#include <array>
#include <chrono>
#include <thread>

#include <boost/asio/ip/address.hpp>
#include <boost/system/system_error.hpp>

#include <gtest/gtest.h>

#include "media/security/DtlsCertificate.h"
#include "server/shard/ShardPool.h"
#include "tests/unit/media/StunTestVectors.h"
#include "tests/unit/server/ShardTestSupport.h"

namespace chorus::server {
namespace {
using testing::anyPortsConfig;
using testing::eventually;
using testing::serverCertificate;
namespace asio = boost::asio;

using Clock = std::chrono::steady_clock;

TEST(ShardPoolTest, EveryShardGetsItsOwnMediaPort) {
  ShardPool pool(anyPortsConfig(), 3, serverCertificate());
  ASSERT_EQ(pool.size(), 3U);
  EXPECT_NE(pool.shard(0).mediaEndpoint().port(), pool.shard(1).mediaEndpoint().port());
  EXPECT_NE(pool.shard(1).mediaEndpoint().port(), pool.shard(2).mediaEndpoint().port());
}

TEST(ShardPoolTest, DatagramsAreClassifiedCountedAndDroppedWithAReason) {
  ShardPool pool(anyPortsConfig(), 2, serverCertificate());
  pool.start();
  asio::io_context client;
  asio::ip::udp::socket socket(client, asio::ip::udp::endpoint(asio::ip::udp::v4(), 0));
  // A well-formed, signed Binding request whose ufrag ("evtj") no transport on the shard has.
  const auto& stun = media::test::kRfc5769Request;
  std::array<std::uint8_t, 8> garbage{0xff, 1, 2, 3, 4, 5, 6, 7};
  socket.send_to(asio::buffer(stun), pool.shard(1).mediaEndpoint());
  socket.send_to(asio::buffer(garbage), pool.shard(1).mediaEndpoint());

  const media::PacketCounters& counters = pool.shard(1).counters();
  const auto kind = [](media::PacketKind k) { return static_cast<std::size_t>(k); };
  EXPECT_TRUE(eventually(counters.datagramsReceived[kind(media::PacketKind::kStun)], 1));
  EXPECT_TRUE(eventually(counters.datagramsReceived[kind(media::PacketKind::kUnknown)], 1));
  EXPECT_TRUE(eventually(counters.bytesReceived, 116));
  EXPECT_EQ(
      counters.datagramsDropped[static_cast<std::size_t>(media::DropReason::kUnknownPeer)].value(),
      1U);
  EXPECT_EQ(
      counters.datagramsDropped[static_cast<std::size_t>(media::DropReason::kUnclassified)].value(),
      1U);
  EXPECT_EQ(pool.shard(0).counters().bytesReceived.value(), 0U);
  pool.stop();
}

TEST(ShardPoolTest, AShardWhoseHeartbeatIsOlderThanTheLimitIsStalled) {
  ShardPool pool(anyPortsConfig(), 2, serverCertificate());
  pool.start();
  EXPECT_EQ(pool.stalledShard(Clock::now(), std::chrono::seconds(5)), std::nullopt);
  EXPECT_EQ(pool.stalledShard(Clock::now() + std::chrono::seconds(6), std::chrono::seconds(5)), 0U);
  pool.stop();
}

TEST(ShardPoolTest, TransportTemplateCarriesTheConfiguredIceAndDtlsSettings) {
  Config config = anyPortsConfig();
  config.media.iceConsentTimeout = std::chrono::seconds(12);
  config.dtls.srtpProfiles = {media::SrtpProfile::kAeadAes256Gcm};
  ShardPool pool(config, 1, serverCertificate());
  const auto first = pool.transportTemplate();
  EXPECT_EQ(first.consentTimeout, std::chrono::seconds(12));
  EXPECT_EQ(first.srtpProfiles,
            std::vector<media::SrtpProfile>{media::SrtpProfile::kAeadAes256Gcm});
  EXPECT_NE(first.localIce, pool.transportTemplate().localIce);  // fresh credentials each time
}

TEST(ShardPoolTest, CandidatesNameTheAnnouncedAddressAndBothPorts) {
  Config config = anyPortsConfig();
  config.media.announcedAddress = "203.0.113.9";
  ShardPool pool(config, 1, serverCertificate());
  EXPECT_EQ(pool.candidates(0).size(), 1U);  // no ICE-TCP port yet
  pool.setIceTcpPort(40100);
  const auto candidates = pool.candidates(0);
  ASSERT_EQ(candidates.size(), 2U);
  EXPECT_EQ(candidates[0].toSdp(), "candidate:1 1 udp 2130706431 203.0.113.9 " +
                                       std::to_string(pool.shard(0).mediaEndpoint().port()) +
                                       " typ host");
  EXPECT_EQ(candidates[1].address.port, 40100);
  EXPECT_EQ(candidates[1].protocol, media::IceCandidate::Protocol::kTcp);
}

TEST(ShardPoolTest, PortInUseFailsConstruction) {
  ShardPool first(anyPortsConfig(), 1, serverCertificate());
  Config clash;
  clash.media.portBase = first.shard(0).mediaEndpoint().port();
  EXPECT_THROW(ShardPool(clash, 1, serverCertificate()), boost::system::system_error);
}

TEST(ShardPoolTest, PortsMustFitBelow65536) {
  Config config;
  config.media.portBase = 65535;
  EXPECT_THROW(ShardPool(config, 2, serverCertificate()), ConfigError);
}

TEST(ShardPoolTest, StopIsIdempotent) {
  ShardPool pool(anyPortsConfig(), 1, serverCertificate());
  pool.start();
  pool.stop();
  pool.stop();
}

}  // namespace
}  // namespace chorus::server
