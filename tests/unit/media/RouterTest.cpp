#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "media/routing/Router.h"
#include "media/wire/RtcpCompoundView.h"
#include "media/wire/RtcpFir.h"
#include "media/wire/RtcpPli.h"
#include "media/wire/RtpPacketView.h"
#include "tests/unit/media/RouterTestSupport.h"

namespace chorus::media {
namespace {

using std::chrono::milliseconds;
using testing::buildRtp;
using testing::packetIn;
using testing::RecordingRouterSink;
using TimePoint = Router::TimePoint;

const TimePoint kStart{std::chrono::seconds(500)};

constexpr StreamKey kStream = 7;
constexpr TransportKey kPublisher = 1;
constexpr TransportKey kAlice = 10;
constexpr TransportKey kBob = 11;
constexpr std::uint32_t kPublisherSsrc = 0x11110000;
constexpr std::uint32_t kPublisherRtxSsrc = 0x11110001;
constexpr std::uint32_t kAliceSsrc = 0xA11CE000;
constexpr std::uint32_t kBobSsrc = 0xB0B00000;
constexpr std::uint32_t kVideoClock = 90'000;
constexpr std::uint32_t kFrameTicks = 3000;

// The publisher's RFC 8285 ids, and each subscriber's for the same extensions.
constexpr RtpExtensionIds kPublisherIds{.mid = 1, .absSendTime = 2, .transportCc = 3};
constexpr RtpExtensionIds kAliceIds{.mid = 4, .absSendTime = 5, .transportCc = 6};
constexpr RtpExtensionIds kBobIds{.mid = 9, .absSendTime = 12, .transportCc = 1};

constexpr std::uint16_t kAliceFirstSequence = 1000;
constexpr std::uint32_t kAliceFirstTimestamp = 5000;
// Bob's outgoing numbers wrap during the test.
constexpr std::uint16_t kBobFirstSequence = 65534;
constexpr std::uint32_t kBobFirstTimestamp = 0xFFFFF000;

PublishedStreamSpec videoStream(std::uint32_t ssrc = kPublisherSsrc) {
  return {.key = kStream,
          .publisher = kPublisher,
          .video = true,
          .clockRate = kVideoClock,
          .ssrc = ssrc,
          .rtxSsrc = kPublisherRtxSsrc,
          .payloadType = 96,
          .extensions = kPublisherIds};
}

SubscriptionSpec subscription(TransportKey subscriber, std::uint32_t ssrc, std::uint8_t payloadType,
                              const RtpExtensionIds& ids, bool video = true) {
  return {.stream = kStream,
          .publisherShard = 0,
          .subscriber = subscriber,
          .video = video,
          .clockRate = kVideoClock,
          .ssrc = ssrc,
          .payloadType = payloadType,
          .publisherExtensions = kPublisherIds,
          .subscriberExtensions = ids};
}

// The publisher's packet `index`: mid, abs-send-time and transport-cc extensions, and a payload
// that names the index.
std::vector<std::uint8_t> publisherPacket(std::uint32_t ssrc, std::uint16_t sequenceNumber,
                                          std::uint32_t timestamp) {
  return buildRtp({.ssrc = ssrc,
                   .sequenceNumber = sequenceNumber,
                   .timestamp = timestamp,
                   .payloadType = 96,
                   .extensions = {{.id = kPublisherIds.mid, .value = {'0'}},
                                  {.id = kPublisherIds.absSendTime, .value = {0xAB, 0xCD, 0xEF}},
                                  {.id = kPublisherIds.transportCc, .value = {0x01, 0x02}}},
                   .payload = {0xDE, 0xAD, static_cast<std::uint8_t>(sequenceNumber), 0xBE, 0xEF}});
}

std::vector<std::uint8_t> payloadOf(std::vector<std::uint8_t> packet) {
  const auto view = RtpPacketView::parse(packet);
  const auto payload = view->payload();
  return {payload.begin(), payload.end()};
}

// The media SSRCs of the PLIs in `datagrams`, one per datagram; 0 for anything else.
std::vector<std::uint32_t> pliTargets(const RecordingRouterSink::Packets& datagrams) {
  std::vector<std::uint32_t> targets;
  for (const auto& datagram : datagrams) {
    std::uint32_t target = 0;
    const auto compound = RtcpCompoundView::parse(datagram);
    if (compound && compound->packetCount() == 1) {
      if (const auto pli = RtcpPli::parse(*compound->begin())) {
        target = pli->mediaSsrc();
      }
    }
    targets.push_back(target);
  }
  return targets;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() { router_.addPublishedStream(videoStream()); }

  void subscribeBoth() {
    router_.addSubscription(subscription(kAlice, kAliceSsrc, 100, kAliceIds), kAliceFirstSequence,
                            kAliceFirstTimestamp, kStart);
    router_.addSubscription(subscription(kBob, kBobSsrc, 102, kBobIds), kBobFirstSequence,
                            kBobFirstTimestamp, kStart);
  }

  void publish(TransportKey from, std::span<const std::uint8_t> bytes, TimePoint now = kStart) {
    PacketRef packet = packetIn(pool_, bytes);
    router_.onRtp(from, packet, now);
  }

  void feedback(TransportKey from, std::span<const std::uint8_t> bytes, TimePoint now) {
    const PacketRef packet = packetIn(pool_, bytes);
    router_.onRtcp(from, packet, now);
  }

  PacketPool pool_{64};
  RecordingRouterSink sink_{pool_};
  Router router_{0, pool_, sink_};
};

// What a subscriber must receive for publisher packet `index` of a run starting at source
// sequence `sourceFirst`.
struct Expected {
  std::uint32_t ssrc = 0;
  std::uint8_t payloadType = 0;
  std::uint16_t firstSequence = 0;
  std::uint32_t firstTimestamp = 0;
  RtpExtensionIds ids;
};

void expectRewritten(const RecordingRouterSink::Packets& received, const Expected& expected,
                     std::uint16_t sourceFirst, std::size_t count) {
  ASSERT_EQ(received.size(), count);
  for (std::size_t i = 0; i < count; ++i) {
    std::vector<std::uint8_t> bytes = received[i];
    const auto view = RtpPacketView::parse(bytes);
    ASSERT_TRUE(view) << "packet " << i;
    EXPECT_EQ(view->ssrc(), expected.ssrc);
    EXPECT_EQ(view->payloadType(), expected.payloadType);
    EXPECT_EQ(view->sequenceNumber(), static_cast<std::uint16_t>(expected.firstSequence + i));
    EXPECT_EQ(view->timestamp(),
              static_cast<std::uint32_t>(expected.firstTimestamp + i * kFrameTicks));
    const std::vector<std::uint8_t> payload(view->payload().begin(), view->payload().end());
    const auto source = static_cast<std::uint16_t>(sourceFirst + i);
    EXPECT_EQ(payload, payloadOf(publisherPacket(kPublisherSsrc, source, 0)));
    // abs-send-time renamed with its value intact; transport-cc renamed and numbered on the
    // subscriber's transport from 0; mid erased.
    std::vector<std::uint8_t> ids;
    for (auto it = view->extensions(); auto element = it.next();) {
      ids.push_back(element->id);
    }
    EXPECT_EQ(ids, (std::vector<std::uint8_t>{expected.ids.absSendTime, expected.ids.transportCc}));
    const auto transportCc = view->findExtension(expected.ids.transportCc);
    ASSERT_TRUE(transportCc);
    EXPECT_EQ(loadBe16(transportCc->value, 0), i);
    const auto absSendTime = view->findExtension(expected.ids.absSendTime);
    ASSERT_TRUE(absSendTime);
    EXPECT_EQ(std::vector<std::uint8_t>(absSendTime->value.begin(), absSendTime->value.end()),
              (std::vector<std::uint8_t>{0xAB, 0xCD, 0xEF}));
    EXPECT_EQ(bytes.size(), publisherPacket(kPublisherSsrc, source, 0).size());
  }
}

TEST_F(RouterTest, EverySubscriberGetsEveryPacketOnceWithItsOwnNumbersAndIds) {
  subscribeBoth();
  constexpr std::uint16_t kSourceFirst = 65530;  // the publisher's numbers wrap too
  constexpr std::size_t kCount = 10;
  for (std::size_t i = 0; i < kCount; ++i) {
    const auto sequence = static_cast<std::uint16_t>(kSourceFirst + i);
    publish(kPublisher,
            publisherPacket(kPublisherSsrc, sequence,
                            static_cast<std::uint32_t>(0x7000 + i * kFrameTicks)),
            kStart + milliseconds(33 * i));
  }
  expectRewritten(sink_.rtp(kAlice),
                  {kAliceSsrc, 100, kAliceFirstSequence, kAliceFirstTimestamp, kAliceIds},
                  kSourceFirst, kCount);
  expectRewritten(sink_.rtp(kBob), {kBobSsrc, 102, kBobFirstSequence, kBobFirstTimestamp, kBobIds},
                  kSourceFirst, kCount);
  EXPECT_TRUE(sink_.rtp(kPublisher).empty());
  EXPECT_EQ(router_.counters().forwarded.value(), 2 * kCount);
  EXPECT_EQ(router_.counters().duplicate.value(), 0U);
  EXPECT_EQ(pool_.available(), pool_.capacity() - kCount) << "kept for retransmission";
  router_.tick(kStart + std::chrono::seconds(2));
  EXPECT_EQ(pool_.available(), pool_.capacity()) << "every copy and every input slot returned";
}

TEST_F(RouterTest, DuplicateFromThePublisherIsForwardedOnce) {
  subscribeBoth();
  publish(kPublisher, publisherPacket(kPublisherSsrc, 300, 0));
  publish(kPublisher, publisherPacket(kPublisherSsrc, 300, 0));
  EXPECT_EQ(sink_.rtp(kAlice).size(), 1U);
  EXPECT_EQ(sink_.rtp(kBob).size(), 1U);
  EXPECT_EQ(router_.counters().duplicate.value(), 2U);
}

// A copy dropped for want of a slot is a loss the subscriber can recover from: when the publisher
// retransmits the packet in its original stream (what a browser does when RTX, RFC 4588, is not
// negotiated), the subscriber gets it, in the sequence number it would have had.
TEST_F(RouterTest, CopyDroppedForWantOfASlotIsForwardedWhenThePublisherRetransmits) {
  subscribeBoth();
  publish(kPublisher, publisherPacket(kPublisherSsrc, 1, 0));
  sink_.refuseAllocations(1);  // Alice's copy of packet 2
  publish(kPublisher, publisherPacket(kPublisherSsrc, 2, kFrameTicks));
  EXPECT_EQ(router_.counters().poolExhausted.value(), 1U);
  EXPECT_EQ(sink_.rtp(kAlice).size(), 1U);
  publish(kPublisher, publisherPacket(kPublisherSsrc, 3, 2 * kFrameTicks));
  publish(kPublisher, publisherPacket(kPublisherSsrc, 2, kFrameTicks));  // the retransmission
  const auto& alice = sink_.rtp(kAlice);
  ASSERT_EQ(alice.size(), 3U);
  std::vector<std::uint8_t> retransmitted = alice[2];
  EXPECT_EQ(RtpPacketView::parse(retransmitted)->sequenceNumber(), kAliceFirstSequence + 1);
  EXPECT_EQ(payloadOf(retransmitted), payloadOf(publisherPacket(kPublisherSsrc, 2, 0)));
  EXPECT_EQ(sink_.rtp(kBob).size(), 3U) << "Bob had packet 2: the retransmission is a duplicate";
  EXPECT_EQ(router_.counters().duplicate.value(), 1U);
}

// RTX with a payload is recovered (RouterNackTest); one without (RFC 4588 §8.1 padding, sent to
// probe bandwidth) has nothing to recover.
TEST_F(RouterTest, RtxWithoutPayloadIsCountedAndDropped) {
  subscribeBoth();
  publish(kPublisher, buildRtp({.ssrc = kPublisherRtxSsrc, .sequenceNumber = 1}));
  EXPECT_EQ(router_.counters().rtxDropped.value(), 1U);
  EXPECT_EQ(router_.counters().unknownStream.value(), 0U);
  EXPECT_TRUE(sink_.rtp(kAlice).empty());
  EXPECT_TRUE(sink_.rtp(kBob).empty());
}

TEST_F(RouterTest, UnknownSsrcOrAnotherTransportIsCountedAndDropped) {
  subscribeBoth();
  publish(kPublisher, publisherPacket(0x5EC2E7, 1, 0));
  // The publisher's SSRC, but from a transport that did not publish it.
  publish(kAlice, publisherPacket(kPublisherSsrc, 1, 0));
  EXPECT_EQ(router_.counters().unknownStream.value(), 2U);
  EXPECT_EQ(router_.counters().forwarded.value(), 0U);
  EXPECT_TRUE(sink_.rtp(kAlice).empty());
  EXPECT_TRUE(sink_.rtp(kBob).empty());
}

TEST_F(RouterTest, MalformedRtpIsCountedAndDropped) {
  subscribeBoth();
  std::vector<std::uint8_t> versionOne = publisherPacket(kPublisherSsrc, 1, 0);
  versionOne[0] = static_cast<std::uint8_t>((versionOne[0] & 0x3FU) | 0x40U);
  publish(kPublisher, versionOne);
  const std::vector<std::uint8_t> whole = publisherPacket(kPublisherSsrc, 2, 0);
  publish(kPublisher, std::span(whole).first(11));  // shorter than the fixed header
  std::vector<std::uint8_t> overlongExtension = whole;
  overlongExtension[15] = 200;  // extension block longer than the packet
  publish(kPublisher, overlongExtension);
  EXPECT_EQ(router_.counters().malformed.value(), 3U);
  EXPECT_EQ(router_.counters().forwarded.value(), 0U);
  EXPECT_TRUE(sink_.rtp(kAlice).empty());
}

TEST_F(RouterTest, RemovedSubscriptionGetsNothingMore) {
  subscribeBoth();
  publish(kPublisher, publisherPacket(kPublisherSsrc, 1, 0));
  router_.removeSubscription(kStream, kAlice);
  publish(kPublisher, publisherPacket(kPublisherSsrc, 2, kFrameTicks));
  EXPECT_EQ(sink_.rtp(kAlice).size(), 1U);
  EXPECT_EQ(sink_.rtp(kBob).size(), 2U);
  router_.removeSubscription(kStream, kBob);
  publish(kPublisher, publisherPacket(kPublisherSsrc, 3, 2 * kFrameTicks));
  EXPECT_EQ(sink_.rtp(kBob).size(), 2U);
  EXPECT_EQ(router_.counters().forwarded.value(), 3U);
}

TEST_F(RouterTest, VideoSubscriptionRequestsAKeyframeThrottledAndMerged) {
  router_.addSubscription(subscription(kAlice, kAliceSsrc, 100, kAliceIds), kAliceFirstSequence,
                          kAliceFirstTimestamp, kStart);
  EXPECT_EQ(pliTargets(sink_.rtcp(kPublisher)), std::vector<std::uint32_t>{kPublisherSsrc});
  // A second subscriber 100 ms later: inside the interval, held back.
  router_.addSubscription(subscription(kBob, kBobSsrc, 102, kBobIds), kBobFirstSequence,
                          kBobFirstTimestamp, kStart + milliseconds(100));
  EXPECT_EQ(sink_.rtcp(kPublisher).size(), 1U);
  router_.tick(kStart + milliseconds(299));
  EXPECT_EQ(sink_.rtcp(kPublisher).size(), 1U);
  router_.tick(kStart + milliseconds(300));
  EXPECT_EQ(pliTargets(sink_.rtcp(kPublisher)),
            (std::vector<std::uint32_t>{kPublisherSsrc, kPublisherSsrc}));
  router_.tick(kStart + milliseconds(1000));
  EXPECT_EQ(sink_.rtcp(kPublisher).size(), 2U) << "the held-back request was sent once";
  EXPECT_EQ(router_.counters().keyframeRequests.value(), 2U);
  EXPECT_TRUE(sink_.rtcp(kAlice).empty());
  EXPECT_TRUE(sink_.rtcp(kBob).empty());
}

TEST_F(RouterTest, AudioSubscriptionRequestsNoKeyframe) {
  router_.addSubscription(subscription(kAlice, kAliceSsrc, 111, kAliceIds, false), 1, 1, kStart);
  router_.tick(kStart + milliseconds(1000));
  EXPECT_TRUE(sink_.rtcp(kPublisher).empty());
}

TEST_F(RouterTest, SubscribersPliForItsSsrcRequestsAKeyframeFromThePublisher) {
  subscribeBoth();
  const TimePoint later = kStart + milliseconds(400);
  std::array<std::uint8_t, RtcpPli::kSize> pli{};
  // Names another SSRC: not a stream Alice receives.
  ASSERT_TRUE(RtcpPli::build(pli, 0xA11CE999, kBobSsrc));
  feedback(kAlice, pli, later);
  EXPECT_EQ(sink_.rtcp(kPublisher).size(), 1U) << "only the subscription's own request";
  ASSERT_TRUE(RtcpPli::build(pli, 0xA11CE999, kAliceSsrc));
  feedback(kAlice, pli, later);
  EXPECT_EQ(pliTargets(sink_.rtcp(kPublisher)),
            (std::vector<std::uint32_t>{kPublisherSsrc, kPublisherSsrc}));
}

TEST_F(RouterTest, SubscribersFirForItsSsrcRequestsAKeyframeFromThePublisher) {
  subscribeBoth();
  const TimePoint later = kStart + milliseconds(400);
  std::array<std::uint8_t, 64> fir{};
  const std::array<RtcpFirEntry, 1> entry{RtcpFirEntry{.ssrc = kBobSsrc, .sequenceNumber = 1}};
  const auto size = RtcpFir::build(fir, 0xB0B00999, entry);
  ASSERT_TRUE(size);
  feedback(kBob, std::span(fir).first(*size), later);
  EXPECT_EQ(pliTargets(sink_.rtcp(kPublisher)),
            (std::vector<std::uint32_t>{kPublisherSsrc, kPublisherSsrc}));
}

// A VP8 packet starting a frame (RFC 7741: S set, partition 0), a keyframe or not (the frame
// tag's P bit).
std::vector<std::uint8_t> vp8Packet(std::uint16_t sequenceNumber, bool keyframe) {
  return buildRtp({.ssrc = kPublisherSsrc,
                   .sequenceNumber = sequenceNumber,
                   .timestamp = sequenceNumber * kFrameTicks,
                   .payloadType = 96,
                   .payload = {0x10, static_cast<std::uint8_t>(keyframe ? 0x50 : 0x51), 0x42}});
}

std::uint16_t sequenceNumberOf(std::vector<std::uint8_t> packet) {
  return RtpPacketView::parse(packet)->sequenceNumber();
}

std::size_t pliCount(const RecordingRouterSink::Packets& datagrams) {
  const auto targets = pliTargets(datagrams);
  return static_cast<std::size_t>(std::count(targets.begin(), targets.end(), kPublisherSsrc));
}

TEST_F(RouterTest, Vp8SubscriptionStartsAtAKeyframeAndAsksAgainUntilOneComes) {
  PublishedStreamSpec vp8 = videoStream();
  vp8.format = VideoFormat::kVp8;
  router_.addPublishedStream(vp8);
  SubscriptionSpec spec = subscription(kAlice, kAliceSsrc, 100, kAliceIds);
  spec.format = VideoFormat::kVp8;
  router_.addSubscription(spec, kAliceFirstSequence, kAliceFirstTimestamp, kStart);
  publish(kPublisher, vp8Packet(1, false));
  publish(kPublisher, vp8Packet(2, false));
  EXPECT_TRUE(sink_.rtp(kAlice).empty()) << "delta frames before the first keyframe";
  EXPECT_EQ(router_.counters().awaitingKeyframe.value(), 2U);
  // The PLI on subscribing brought nothing: asked again.
  router_.tick(kStart + Router::kKeyframeRetryInterval - milliseconds(1));
  EXPECT_EQ(pliCount(sink_.rtcp(kPublisher)), 1U);
  const TimePoint retry = kStart + Router::kKeyframeRetryInterval;
  router_.tick(retry);
  EXPECT_EQ(pliCount(sink_.rtcp(kPublisher)), 2U);

  publish(kPublisher, vp8Packet(3, true), retry);
  publish(kPublisher, vp8Packet(4, false), retry);
  const auto& received = sink_.rtp(kAlice);
  ASSERT_EQ(received.size(), 2U);
  EXPECT_EQ(sequenceNumberOf(received[0]), kAliceFirstSequence)
      << "the keyframe is the subscriber's first packet";
  EXPECT_EQ(router_.counters().keyframesReceived.value(), 1U);
  router_.tick(retry + 3 * Router::kKeyframeRetryInterval);
  EXPECT_EQ(pliCount(sink_.rtcp(kPublisher)), 2U) << "no more requests once started";

  // Its transport came up only now: what went before never reached it, so it starts again at
  // the next keyframe, its numbering continuous.
  const TimePoint connected = retry + 4 * Router::kKeyframeRetryInterval;
  router_.onSubscriberConnected(kAlice, connected);
  EXPECT_EQ(pliCount(sink_.rtcp(kPublisher)), 3U);
  publish(kPublisher, vp8Packet(5, false), connected);
  publish(kPublisher, vp8Packet(6, true), connected);
  ASSERT_EQ(received.size(), 3U);
  EXPECT_EQ(sequenceNumberOf(received[2]), kAliceFirstSequence + 2);
}

TEST_F(RouterTest, RepublishedStreamContinuesTheSubscribersSequence) {
  subscribeBoth();
  for (std::uint16_t sequence = 100; sequence < 105; ++sequence) {
    publish(kPublisher, publisherPacket(kPublisherSsrc, sequence, sequence * kFrameTicks));
  }
  // The publisher restarts: same stream, new SSRC, its own random sequence.
  constexpr std::uint32_t kRestartedSsrc = 0x22220000;
  router_.addPublishedStream(videoStream(kRestartedSsrc));
  publish(kPublisher, publisherPacket(kPublisherSsrc, 105, 105 * kFrameTicks));
  EXPECT_EQ(router_.counters().unknownStream.value(), 1U) << "the old SSRC is gone";
  publish(kPublisher, publisherPacket(kRestartedSsrc, 40000, 1), kStart + milliseconds(500));
  publish(kPublisher, publisherPacket(kRestartedSsrc, 40001, 1 + kFrameTicks),
          kStart + milliseconds(533));
  const auto& alice = sink_.rtp(kAlice);
  ASSERT_EQ(alice.size(), 7U);
  for (std::size_t i = 0; i < alice.size(); ++i) {
    std::vector<std::uint8_t> bytes = alice[i];
    const auto view = RtpPacketView::parse(bytes);
    EXPECT_EQ(view->ssrc(), kAliceSsrc);
    EXPECT_EQ(view->sequenceNumber(), kAliceFirstSequence + i) << "packet " << i;
  }
  std::vector<std::uint8_t> last = sink_.rtp(kBob).back();
  EXPECT_EQ(RtpPacketView::parse(last)->sequenceNumber(),
            static_cast<std::uint16_t>(kBobFirstSequence + 6));
}

}  // namespace
}  // namespace chorus::media
