// The router as an RTCP endpoint on every leg: transport-cc feedback and receiver reports to the
// publisher, sender reports to subscribers, the round-trip time from their reports. Each test
// runs with the subscriber beside the publisher (shard 0) and on another shard (1), where the
// publisher's SRs reach it through the link.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "media/routing/Router.h"
#include "media/wire/RtcpCompoundView.h"
#include "media/wire/RtcpReceiverReport.h"
#include "media/wire/RtcpSenderReport.h"
#include "media/wire/RtcpTransportFeedback.h"
#include "tests/unit/media/RouterTestSupport.h"

namespace chorus::media {
namespace {

using std::chrono::milliseconds;
using testing::buildRtp;
using testing::packetIn;
using testing::RecordingRouterSink;
using TimePoint = Router::TimePoint;

const TimePoint kStart{std::chrono::seconds(500)};
constexpr StreamKey kStream = 4;
constexpr TransportKey kPublisher = 1;
constexpr TransportKey kAlice = 10;
constexpr std::uint32_t kPublisherSsrc = 0x11110000;
constexpr std::uint32_t kAliceSsrc = 0xA11CE000;
constexpr std::uint8_t kTransportCcId = 3;
constexpr std::uint32_t kFirstTimestamp = 5000;

struct RouterRtcpTest : ::testing::TestWithParam<std::size_t> {
  RouterRtcpTest() : mesh(2, 64), shard(mesh.shard(0)), subscriberShard(mesh.shard(GetParam())) {
    shard.router.addPublishedStream({.key = kStream,
                                     .publisher = kPublisher,
                                     .video = false,
                                     .clockRate = 48'000,
                                     .ssrc = kPublisherSsrc,
                                     .payloadType = 111,
                                     .extensions = {.transportCc = kTransportCcId}});
    mesh.subscribe({.stream = kStream,
                    .subscriber = kAlice,
                    .clockRate = 48'000,
                    .ssrc = kAliceSsrc,
                    .payloadType = 109,
                    .publisherExtensions = {.transportCc = kTransportCcId}},
                   GetParam(), 100, kFirstTimestamp, kStart);
  }

  void publish(std::uint16_t sequence, std::uint16_t transportSequence, TimePoint now) {
    const auto bytes =
        buildRtp({.ssrc = kPublisherSsrc,
                  .sequenceNumber = sequence,
                  .timestamp = 960U * sequence,
                  .extensions = {{.id = kTransportCcId,
                                  .value = {static_cast<std::uint8_t>(transportSequence >> 8U),
                                            static_cast<std::uint8_t>(transportSequence)}}},
                  .payload = std::vector<std::uint8_t>(50, 1)});
    PacketRef packet = packetIn(shard.pool, bytes);
    shard.router.onRtp(kPublisher, packet, now);
    mesh.drainUntilQuiet(now);
  }

  // RTCP from a transport, to the router of its shard.
  static void receiveRtcp(testing::TestShard<RecordingRouterSink>& on, TransportKey from,
                          std::span<const std::uint8_t> bytes, TimePoint now) {
    const PacketRef packet = packetIn(on.pool, bytes);
    on.router.onRtcp(from, packet, now);
  }

  void tick(TimePoint now) {
    for (std::size_t index = 0; index < mesh.size(); ++index) {
      mesh.shard(index).router.tick(now);
    }
  }

  // What the transport's shard sent it.
  template <typename Packet>
  std::vector<Packet> sent(testing::TestShard<RecordingRouterSink>& on, TransportKey to) {
    std::vector<Packet> found;
    for (const auto& bytes : on.sink.rtcp(to)) {
      const auto compound = RtcpCompoundView::parse(bytes);
      for (const RtcpHeader& header : *compound) {
        if (const auto packet = Packet::parse(header)) {
          found.push_back(*packet);
        }
      }
    }
    return found;
  }

  testing::ShardMesh<RecordingRouterSink> mesh;
  testing::TestShard<RecordingRouterSink>& shard;  // the publisher's
  testing::TestShard<RecordingRouterSink>& subscriberShard;
};

TEST_P(RouterRtcpTest, TransportCcFeedbackReportsThePublishersPackets) {
  TimePoint now = kStart;
  tick(now);  // the feedback timer starts
  for (std::uint16_t i = 0; i < 10; ++i) {
    now += milliseconds(4);
    if (i != 6) {
      publish(i, static_cast<std::uint16_t>(65530 + i), now);
    }
  }
  tick(now);
  EXPECT_TRUE(sent<RtcpTransportFeedback>(shard, kPublisher).empty()) << "sent before 50 ms";
  now = kStart + Router::kTransportFeedbackInterval;
  tick(now);
  const auto feedbacks = sent<RtcpTransportFeedback>(shard, kPublisher);
  ASSERT_EQ(feedbacks.size(), 1U);
  EXPECT_EQ(feedbacks[0].baseSequenceNumber(), 65530);
  EXPECT_EQ(feedbacks[0].packetStatusCount(), 10U);
  EXPECT_EQ(feedbacks[0].mediaSsrc(), kPublisherSsrc);
  std::size_t index = 0;
  for (auto cursor = feedbacks[0].statuses(); auto status = cursor.next(); ++index) {
    EXPECT_EQ(status->status == RtcpTransportFeedback::Status::kNotReceived, index == 6);
  }
  EXPECT_EQ(shard.router.counters().transportFeedbackSent.value(), 1U);
  // Nothing new, nothing sent.
  tick(now + Router::kTransportFeedbackInterval);
  EXPECT_EQ(sent<RtcpTransportFeedback>(shard, kPublisher).size(), 1U);
}

TEST_P(RouterRtcpTest, ReceiverReportsToThePublisherAndSenderReportsToTheSubscriber) {
  TimePoint now = kStart;
  for (std::uint16_t i = 1; i <= 50; ++i) {
    now += milliseconds(20);
    if (i != 10) {
      publish(i, i, now);
    }
  }
  // The publisher's SR for the packet with timestamp 960 x 50.
  std::array<std::uint8_t, 64> srBytes{};
  const RtcpSenderInfo publisherInfo{.ssrc = kPublisherSsrc,
                                     .ntpTimestamp = 0xE100'0000'8000'0000ULL,
                                     .rtpTimestamp = 960U * 50,
                                     .packetCount = 50,
                                     .octetCount = 2500};
  const auto srSize = RtcpSenderReport::build(srBytes, publisherInfo, {});
  receiveRtcp(shard, kPublisher, std::span(srBytes).first(*srSize), now);

  const TimePoint reportAt = now + milliseconds(500);
  tick(reportAt);
  const auto rrs = sent<RtcpReceiverReport>(shard, kPublisher);
  ASSERT_EQ(rrs.size(), 1U);
  ASSERT_EQ(rrs[0].reportBlockCount(), 1U);
  const RtcpReportBlock block = rrs[0].reportBlock(0);
  EXPECT_EQ(block.ssrc, kPublisherSsrc);
  EXPECT_EQ(block.extendedHighestSequence, 50U);
  EXPECT_EQ(block.cumulativeLost, 1);
  EXPECT_EQ(block.fractionLost, 256 / 50);
  EXPECT_EQ(block.lastSenderReport, 0x0000'8000U);
  EXPECT_EQ(block.delaySinceLastSenderReport, 32768U);

  const auto srs = sent<RtcpSenderReport>(subscriberShard, kAlice);
  ASSERT_EQ(srs.size(), 1U);
  const RtcpSenderInfo info = srs[0].senderInfo();
  EXPECT_EQ(info.ssrc, kAliceSsrc);
  EXPECT_EQ(info.packetCount, 49U);
  EXPECT_EQ(info.octetCount, 49U * 50);
  // 500 ms later: NTP + 2^31, RTP + 24000; in Alice's space, which starts at kFirstTimestamp
  // for the publisher's first timestamp 960.
  EXPECT_EQ(info.ntpTimestamp, 0xE100'0001'0000'0000ULL);
  EXPECT_EQ(info.rtpTimestamp, kFirstTimestamp + 960U * 49 + 24'000);
  EXPECT_EQ(shard.router.counters().receiverReportsSent.value(), 1U);
  EXPECT_EQ(subscriberShard.router.counters().senderReportsSent.value(), 1U);

  // Alice reports on it 130 ms later after holding it 30 ms: RTT 100 ms.
  std::array<std::uint8_t, 64> rrBytes{};
  const RtcpReportBlock aliceBlock{
      .ssrc = kAliceSsrc,
      .lastSenderReport = static_cast<std::uint32_t>(info.ntpTimestamp >> 16),
      .delaySinceLastSenderReport = 1966};
  const auto rrSize = RtcpReceiverReport::build(rrBytes, 0xA11CE, std::span(&aliceBlock, 1));
  receiveRtcp(subscriberShard, kAlice, std::span(rrBytes).first(*rrSize),
              reportAt + milliseconds(130));
  const SendStatistics* stats = subscriberShard.router.sendStatistics(kStream, kAlice);
  ASSERT_NE(stats, nullptr);
  ASSERT_TRUE(stats->roundTripTime());
  EXPECT_NEAR(static_cast<double>(stats->roundTripTime()->count()), 100'000.0, 50.0);
}

TEST_P(RouterRtcpTest, NoSenderReportWithoutThePublishersReport) {
  publish(1, 1, kStart);
  tick(kStart + Router::kReportInterval);
  EXPECT_TRUE(sent<RtcpSenderReport>(subscriberShard, kAlice).empty());
  EXPECT_EQ(sent<RtcpReceiverReport>(shard, kPublisher).size(), 1U);
}

INSTANTIATE_TEST_SUITE_P(, RouterRtcpTest, ::testing::Values(0U, 1U),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return info.param == 0 ? "SubscriberBesideThePublisher"
                                                  : "SubscriberOnAnotherShard";
                         });

}  // namespace
}  // namespace chorus::media
