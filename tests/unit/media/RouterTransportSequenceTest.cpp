// The router as the sender on subscribers' transports for transport-wide congestion control
// (draft-holmer-rmcat-transport-wide-cc-extensions-01): one sequence per subscriber transport in
// every packet sent on it, retransmissions included, written into the publisher's element
// renamed to the subscriber's id; and the subscriber's feedback read back into its estimate.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "media/routing/Router.h"
#include "media/wire/RtcpNack.h"
#include "media/wire/RtcpTransportFeedback.h"
#include "media/wire/RtpPacketView.h"
#include "tests/unit/media/RouterTestSupport.h"

namespace chorus::media {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using testing::buildRtp;
using testing::packetIn;
using testing::RecordingRouterSink;
using TimePoint = Router::TimePoint;

const TimePoint kStart{std::chrono::seconds(300)};
constexpr StreamKey kVideo = 1;
constexpr StreamKey kAudio = 2;
constexpr TransportKey kPublisher = 1;
constexpr TransportKey kAlice = 10;
constexpr TransportKey kBob = 11;
constexpr TransportKey kCarol = 12;  // negotiated no transport-cc
constexpr std::uint32_t kVideoSsrc = 0x1000;
constexpr std::uint32_t kAudioSsrc = 0x2000;
constexpr RtpExtensionIds kPublisherIds{.mid = 1, .absSendTime = 2, .transportCc = 3};
constexpr RtpExtensionIds kAliceIds{.mid = 4, .absSendTime = 5, .transportCc = 6};
constexpr RtpExtensionIds kBobIds{.mid = 9, .absSendTime = 12, .transportCc = 1};
constexpr RtpExtensionIds kCarolIds{.mid = 1, .absSendTime = 2};

std::uint32_t subscriberSsrc(TransportKey subscriber, StreamKey stream) {
  return static_cast<std::uint32_t>(0xC0000000U + subscriber * 16 + stream);
}

std::vector<std::uint8_t> publisherPacket(StreamKey stream, std::uint16_t sequence,
                                          bool withTransportCc = true) {
  std::vector<testing::TestExtension> extensions{
      {.id = kPublisherIds.mid, .value = {'0'}},
      {.id = kPublisherIds.absSendTime, .value = {0xAB, 0xCD, 0xEF}}};
  if (withTransportCc) {
    extensions.push_back({.id = kPublisherIds.transportCc, .value = {0x77, 0x77}});
  }
  return buildRtp({.ssrc = stream == kVideo ? kVideoSsrc : kAudioSsrc,
                   .sequenceNumber = sequence,
                   .timestamp = 3000U * sequence,
                   .payloadType = 96,
                   .extensions = extensions,
                   .payload = testing::payloadFor(stream, sequence)});
}

class RouterTransportSequenceTest : public ::testing::Test {
 protected:
  RouterTransportSequenceTest() {
    for (const StreamKey stream : {kVideo, kAudio}) {
      router_.addPublishedStream({.key = stream,
                                  .publisher = kPublisher,
                                  .video = stream == kVideo,
                                  .clockRate = stream == kVideo ? 90'000U : 48'000U,
                                  .ssrc = stream == kVideo ? kVideoSsrc : kAudioSsrc,
                                  .payloadType = 96,
                                  .extensions = kPublisherIds});
    }
  }

  void subscribe(TransportKey subscriber, StreamKey stream, const RtpExtensionIds& ids) {
    router_.addSubscription({.stream = stream,
                             .subscriber = subscriber,
                             .video = stream == kVideo,
                             .clockRate = stream == kVideo ? 90'000U : 48'000U,
                             .ssrc = subscriberSsrc(subscriber, stream),
                             .payloadType = 100,
                             .publisherExtensions = kPublisherIds,
                             .subscriberExtensions = ids},
                            1000, 0, kStart);
  }

  void publish(StreamKey stream, std::uint16_t sequence, TimePoint now,
               bool withTransportCc = true) {
    PacketRef packet = packetIn(pool_, publisherPacket(stream, sequence, withTransportCc));
    router_.onRtp(kPublisher, packet, now);
  }

  void receiveRtcp(TransportKey from, std::span<const std::uint8_t> bytes, TimePoint now) {
    const PacketRef packet = packetIn(pool_, bytes);
    router_.onRtcp(from, packet, now);
  }

  // The transport-wide sequence numbers of what `subscriber` received (nothing for a packet
  // without the element), checking the payload is the publisher's.
  std::vector<std::optional<std::uint16_t>> transportSequences(TransportKey subscriber,
                                                               std::uint8_t id) {
    std::vector<std::optional<std::uint16_t>> sequences;
    for (std::vector<std::uint8_t> bytes : sink_.rtp(subscriber)) {
      const auto view = RtpPacketView::parse(bytes);
      EXPECT_TRUE(view);
      const auto element = view->findExtension(id);
      sequences.push_back(element ? std::optional(loadBe16(element->value, 0)) : std::nullopt);
    }
    return sequences;
  }

  PacketPool pool_{128};
  RecordingRouterSink sink_{pool_};
  Router router_{0, pool_, sink_};
};

TEST_F(RouterTransportSequenceTest, ConsecutivePerTransportSharedBySubscriptions) {
  subscribe(kAlice, kVideo, kAliceIds);
  subscribe(kAlice, kAudio, kAliceIds);
  subscribe(kBob, kVideo, kBobIds);
  for (std::uint16_t i = 0; i < 5; ++i) {
    publish(kVideo, static_cast<std::uint16_t>(500 + i), kStart + milliseconds(10 * i));
    publish(kAudio, static_cast<std::uint16_t>(900 + i), kStart + milliseconds(10 * i + 5));
  }
  std::vector<std::optional<std::uint16_t>> expectedAlice;
  for (std::uint16_t n = 0; n < 10; ++n) {
    expectedAlice.emplace_back(n);
  }
  EXPECT_EQ(transportSequences(kAlice, kAliceIds.transportCc), expectedAlice);
  const std::vector<std::optional<std::uint16_t>> expectedBob{0, 1, 2, 3, 4};
  EXPECT_EQ(transportSequences(kBob, kBobIds.transportCc), expectedBob);
  EXPECT_EQ(router_.counters().transportCcUnstamped.value(), 0U);
}

TEST_F(RouterTransportSequenceTest, RenamedAndOverwrittenWithThePayloadAndSizeUntouched) {
  subscribe(kAlice, kVideo, kAliceIds);
  publish(kVideo, 700, kStart);
  publish(kVideo, 701, kStart + milliseconds(10));
  ASSERT_EQ(sink_.rtp(kAlice).size(), 2U);
  for (std::uint16_t i = 0; i < 2; ++i) {
    std::vector<std::uint8_t> bytes = sink_.rtp(kAlice)[i];
    const std::vector<std::uint8_t> original = publisherPacket(kVideo, 700 + i);
    ASSERT_EQ(bytes.size(), original.size());
    const auto view = RtpPacketView::parse(bytes);
    ASSERT_TRUE(view);
    std::vector<std::uint8_t> ids;
    for (auto it = view->extensions(); auto element = it.next();) {
      ids.push_back(element->id);
    }
    EXPECT_EQ(ids, (std::vector<std::uint8_t>{kAliceIds.absSendTime, kAliceIds.transportCc}));
    EXPECT_EQ(loadBe16(view->findExtension(kAliceIds.transportCc)->value, 0), i);
    EXPECT_FALSE(view->findExtension(kPublisherIds.transportCc));
    const auto absSendTime = view->findExtension(kAliceIds.absSendTime)->value;
    EXPECT_EQ(std::vector<std::uint8_t>(absSendTime.begin(), absSendTime.end()),
              (std::vector<std::uint8_t>{0xAB, 0xCD, 0xEF}));
    const auto payload = view->payload();
    const auto expected = testing::payloadFor(kVideo, 700 + i);
    EXPECT_EQ(std::vector<std::uint8_t>(payload.begin(), payload.end()), expected);
  }
}

TEST_F(RouterTransportSequenceTest, PacketWithoutTheElementGoesOutWithoutAndUsesNoNumber) {
  subscribe(kAlice, kVideo, kAliceIds);
  publish(kVideo, 1, kStart);
  publish(kVideo, 2, kStart + milliseconds(10), /*withTransportCc=*/false);
  publish(kVideo, 3, kStart + milliseconds(20));
  const std::vector<std::optional<std::uint16_t>> expected{0, std::nullopt, 1};
  EXPECT_EQ(transportSequences(kAlice, kAliceIds.transportCc), expected);
  EXPECT_EQ(router_.counters().transportCcUnstamped.value(), 1U);
}

TEST_F(RouterTransportSequenceTest, SubscriberWithoutTransportCcGetsNoElementAndNoEstimate) {
  subscribe(kCarol, kVideo, kCarolIds);
  publish(kVideo, 1, kStart);
  ASSERT_EQ(sink_.rtp(kCarol).size(), 1U);
  std::vector<std::uint8_t> bytes = sink_.rtp(kCarol)[0];
  const auto view = RtpPacketView::parse(bytes);
  std::vector<std::uint8_t> ids;
  for (auto it = view->extensions(); auto element = it.next();) {
    ids.push_back(element->id);
  }
  EXPECT_EQ(ids, (std::vector<std::uint8_t>{kCarolIds.absSendTime}));
  EXPECT_FALSE(router_.subscriberBitrate(kCarol));
  EXPECT_EQ(router_.counters().transportCcUnstamped.value(), 0U);
}

TEST_F(RouterTransportSequenceTest, RetransmissionTakesTheNextNumber) {
  subscribe(kAlice, kVideo, kAliceIds);
  for (std::uint16_t i = 0; i < 3; ++i) {
    publish(kVideo, static_cast<std::uint16_t>(40 + i), kStart + milliseconds(10 * i));
  }
  // Alice lost her second packet (her sequence 1001).
  std::array<std::uint8_t, 64> nack{};
  const std::array<std::uint16_t, 1> lost{1001};
  const auto size =
      RtcpNack::buildFromLost(nack, 0xA11CE, subscriberSsrc(kAlice, kVideo), std::span(lost));
  ASSERT_TRUE(size);
  receiveRtcp(kAlice, std::span(nack).first(*size), kStart + milliseconds(50));
  ASSERT_EQ(router_.counters().retransmitted.value(), 1U);
  const std::vector<std::optional<std::uint16_t>> expected{0, 1, 2, 3};
  EXPECT_EQ(transportSequences(kAlice, kAliceIds.transportCc), expected);
  std::vector<std::uint8_t> resent = sink_.rtp(kAlice)[3];
  EXPECT_EQ(RtpPacketView::parse(resent)->sequenceNumber(), 1001);
}

TEST_F(RouterTransportSequenceTest, FeedbackIsMappedToWhatWasSentOnTheTransport) {
  subscribe(kAlice, kVideo, kAliceIds);
  subscribe(kBob, kVideo, kBobIds);
  EXPECT_EQ(router_.subscriberBitrate(kAlice), SubscriberBandwidthEstimator::kStartBitrate);
  constexpr std::uint16_t kCount = 11;
  for (std::uint16_t i = 0; i < kCount; ++i) {
    publish(kVideo, static_cast<std::uint16_t>(10 + i), kStart + milliseconds(10 * i));
  }
  // Alice got them all 10 ms apart: the bytes of the last ten over 100 ms.
  std::array<RtcpTransportFeedback::PacketArrival, kCount> arrivals{};
  std::size_t ackedBytes = 0;
  for (std::uint16_t i = 0; i < kCount; ++i) {
    arrivals[i] = {i, microseconds(640'000 + 10'000 * i)};
    if (i > 0) {
      ackedBytes += sink_.rtp(kAlice)[i].size();
    }
  }
  std::array<std::uint8_t, 128> bytes{};
  const auto size = RtcpTransportFeedback::build(
      bytes,
      {.senderSsrc = 0xA11CE, .mediaSsrc = subscriberSsrc(kAlice, kVideo), .referenceTime = 10},
      arrivals);
  ASSERT_TRUE(size);
  receiveRtcp(kAlice, std::span(bytes).first(*size), kStart + milliseconds(150));
  EXPECT_EQ(router_.counters().transportFeedbackReceived.value(), 1U);
  // Far below the start: the acknowledged rate caps the estimate (1.5 x acked + margin).
  const double acked = static_cast<double>(ackedBytes) * 8 / 0.1;
  const auto expected =
      static_cast<std::uint64_t>(SubscriberBandwidthEstimator::kAckedCeiling * acked) +
      SubscriberBandwidthEstimator::kIncreaseMargin;
  ASSERT_TRUE(router_.subscriberBitrate(kAlice));
  EXPECT_NEAR(static_cast<double>(*router_.subscriberBitrate(kAlice)), expected, 2.0);
  // Bob's estimate is his own.
  EXPECT_EQ(router_.subscriberBitrate(kBob), SubscriberBandwidthEstimator::kStartBitrate);
  const SubscriberBitrateSummary summary = router_.subscriberBitrates();
  EXPECT_EQ(summary.count, 2U);
  EXPECT_EQ(summary.sum, *router_.subscriberBitrate(kAlice) + *router_.subscriberBitrate(kBob));
}

TEST_F(RouterTransportSequenceTest, LegGoesWithItsLastSubscription) {
  subscribe(kAlice, kVideo, kAliceIds);
  subscribe(kAlice, kAudio, kAliceIds);
  router_.removeSubscription(kVideo, kAlice);
  EXPECT_TRUE(router_.subscriberBitrate(kAlice));
  publish(kAudio, 1, kStart);
  router_.removeSubscription(kAudio, kAlice);
  EXPECT_FALSE(router_.subscriberBitrate(kAlice));
  EXPECT_EQ(router_.subscriberBitrates().count, 0U);
}

}  // namespace
}  // namespace chorus::media
