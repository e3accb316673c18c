// Bitrate caps through the Router (docs/signaling.md, "Bitrate"): a REMB
// (draft-alvestrand-rmcat-remb-03) to each publisher transport with the sum of its video
// streams' caps, at once when a cap is installed or changed and about once a second after,
// and a changed cap applied in place.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "media/routing/Router.h"
#include "media/wire/RtcpCompoundView.h"
#include "media/wire/RtcpNack.h"
#include "media/wire/RtcpRemb.h"
#include "tests/unit/media/RouterTestSupport.h"

namespace chorus::media {
namespace {

using std::chrono::milliseconds;
using testing::buildRtp;
using testing::packetIn;
using testing::RecordingRouterSink;
using TimePoint = Router::TimePoint;

const TimePoint kStart{std::chrono::seconds(700)};
constexpr TransportKey kPublisher = 1;
constexpr TransportKey kOther = 2;
constexpr TransportKey kAlice = 10;
constexpr std::uint32_t kCameraSsrc = 0x0CA40000;
constexpr std::uint32_t kScreenSsrc = 0x05C20000;
constexpr std::uint32_t kMicSsrc = 0x0A1C0000;
constexpr std::uint32_t kAliceSsrc = 0xA11CE000;

PublishedStreamSpec video(StreamKey key, TransportKey publisher, std::uint32_t ssrc,
                          std::uint32_t maxBitrateBps) {
  return {.key = key,
          .publisher = publisher,
          .video = true,
          .clockRate = 90'000,
          .ssrc = ssrc,
          .payloadType = 96,
          .maxBitrateBps = maxBitrateBps};
}

struct Remb {
  std::uint64_t bitrateBps;
  std::vector<std::uint32_t> ssrcs;  // sorted
};

struct RouterBitrateCapTest : ::testing::Test {
  RouterBitrateCapTest() : mesh(1, 64), shard(mesh.shard(0)) {}

  std::vector<Remb> rembs(TransportKey to) {
    std::vector<Remb> found;
    for (const auto& bytes : shard.sink.rtcp(to)) {
      const auto compound = RtcpCompoundView::parse(bytes);
      for (const RtcpHeader& header : *compound) {
        if (const auto remb = RtcpRemb::parse(header)) {
          Remb entry{remb->bitrateBps(), {}};
          for (std::size_t i = 0; i < remb->ssrcCount(); ++i) {
            entry.ssrcs.push_back(remb->ssrc(i));
          }
          std::sort(entry.ssrcs.begin(), entry.ssrcs.end());
          found.push_back(entry);
        }
      }
    }
    return found;
  }

  void publishVideo(std::uint16_t sequence, TimePoint now) {
    const auto bytes = buildRtp({.ssrc = kCameraSsrc,
                                 .sequenceNumber = sequence,
                                 .timestamp = 3000U * sequence,
                                 .payload = std::vector<std::uint8_t>(100, 7)});
    PacketRef packet = packetIn(shard.pool, bytes);
    shard.router.onRtp(kPublisher, packet, now);
  }

  testing::ShardMesh<RecordingRouterSink> mesh;
  testing::TestShard<RecordingRouterSink>& shard;
};

TEST_F(RouterBitrateCapTest, InstallingACappedStreamSendsARembAtOnce) {
  shard.router.addPublishedStream(video(1, kPublisher, kCameraSsrc, 1'000'000));
  const auto sent = rembs(kPublisher);
  ASSERT_EQ(sent.size(), 1U);
  // 1 000 000 = 250 000 × 2^2: exact in an 18-bit mantissa.
  EXPECT_EQ(sent[0].bitrateBps, 1'000'000U);
  EXPECT_EQ(sent[0].ssrcs, std::vector<std::uint32_t>{kCameraSsrc});
  EXPECT_EQ(shard.router.counters().rembsSent.value(), 1U);
  EXPECT_TRUE(rembs(kOther).empty());
}

TEST_F(RouterBitrateCapTest, OneRembPerTransportSumsItsVideoCaps) {
  shard.router.addPublishedStream(video(1, kPublisher, kCameraSsrc, 1'000'000));
  shard.router.addPublishedStream(video(2, kPublisher, kScreenSsrc, 500'000));
  shard.router.addPublishedStream({.key = 3,
                                   .publisher = kPublisher,
                                   .clockRate = 48'000,
                                   .ssrc = kMicSsrc,
                                   .payloadType = 111});
  shard.router.addPublishedStream(video(4, kOther, 0x07E40000, 300'000));
  shard.router.tick(kStart);
  const auto sent = rembs(kPublisher);
  ASSERT_EQ(sent.size(), 3U);  // one per capped install, one on the tick
  EXPECT_EQ(sent.back().bitrateBps, 1'500'000U);
  EXPECT_EQ(sent.back().ssrcs, (std::vector<std::uint32_t>{kScreenSsrc, kCameraSsrc}));
  const auto other = rembs(kOther);
  ASSERT_EQ(other.size(), 2U);
  EXPECT_EQ(other.back().bitrateBps, 300'000U);
}

TEST_F(RouterBitrateCapTest, RepeatsTheCapAboutOnceASecond) {
  shard.router.addPublishedStream(video(1, kPublisher, kCameraSsrc, 800'000));
  shard.router.tick(kStart);
  EXPECT_EQ(rembs(kPublisher).size(), 2U);
  shard.router.tick(kStart + milliseconds(500));
  EXPECT_EQ(rembs(kPublisher).size(), 2U) << "sent again before a second";
  shard.router.tick(kStart + Router::kBitrateCapInterval);
  EXPECT_EQ(rembs(kPublisher).size(), 3U);
  shard.router.tick(kStart + 2 * Router::kBitrateCapInterval);
  const auto sent = rembs(kPublisher);
  ASSERT_EQ(sent.size(), 4U);
  EXPECT_EQ(sent.back().bitrateBps, 800'000U);
}

TEST_F(RouterBitrateCapTest, UncappedStreamsGetNoRemb) {
  shard.router.addPublishedStream(video(1, kPublisher, kCameraSsrc, 0));
  shard.router.tick(kStart);
  shard.router.tick(kStart + Router::kBitrateCapInterval);
  EXPECT_TRUE(rembs(kPublisher).empty());
  EXPECT_EQ(shard.router.counters().rembsSent.value(), 0U);
}

TEST_F(RouterBitrateCapTest, ANewCapIsAppliedInPlaceAndSentAtOnce) {
  shard.router.addPublishedStream(video(1, kPublisher, kCameraSsrc, 2'500'000));
  mesh.subscribe({.stream = 1,
                  .subscriber = kAlice,
                  .video = true,
                  .clockRate = 90'000,
                  .ssrc = kAliceSsrc,
                  .payloadType = 100},
                 0, 1000, 0, kStart);
  TimePoint now = kStart;
  for (std::uint16_t i = 0; i < 5; ++i) {
    now += milliseconds(30);
    publishVideo(static_cast<std::uint16_t>(40 + i), now);
  }
  ASSERT_EQ(shard.sink.rtp(kAlice).size(), 5U);

  // The room grew: the same stream, a lower cap.
  shard.router.addPublishedStream(video(1, kPublisher, kCameraSsrc, 1'250'000));
  const auto sent = rembs(kPublisher);
  ASSERT_EQ(sent.size(), 2U);
  EXPECT_LE(sent.back().bitrateBps, 1'250'000U);
  EXPECT_GE(sent.back().bitrateBps, 1'249'990U);  // the mantissa rounds down a little at most
  // The same cap again changes nothing and sends nothing.
  shard.router.addPublishedStream(video(1, kPublisher, kCameraSsrc, 1'250'000));
  EXPECT_EQ(rembs(kPublisher).size(), 2U);

  // The retransmission buffer carried on: Alice's NACK for the first packet is answered.
  std::array<std::uint8_t, 64> nack{};
  const std::array<std::uint16_t, 1> lost{1000};
  const auto size = RtcpNack::buildFromLost(nack, 0xA11CE001, kAliceSsrc, lost);
  const PacketRef packet = packetIn(shard.pool, std::span(nack).first(*size));
  shard.router.onRtcp(kAlice, packet, now);
  EXPECT_EQ(shard.router.counters().retransmitted.value(), 1U);
  // And the subscriber's sequence continues.
  publishVideo(45, now + milliseconds(30));
  const auto& forwarded = shard.sink.rtp(kAlice);
  ASSERT_EQ(forwarded.size(), 7U);  // five, the retransmission, the next
  EXPECT_EQ(loadBe16(forwarded.back(), 2), 1005);
}

}  // namespace
}  // namespace chorus::media
