// The forwarding path allocates nothing: after warm-up, a Router fans a publisher's packets out
// to its local subscribers, lends them to another shard's Router, which copies them to its
// subscribers and gives the slots back, and passes keyframe requests the other way, without a
// single call to operator new on the thread (tests/support/AllocationCounter counts them).
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "media/routing/Router.h"
#include "media/wire/RtcpNack.h"
#include "media/wire/RtcpPli.h"
#include "media/wire/RtcpReceiverReport.h"
#include "media/wire/RtcpSenderReport.h"
#include "media/wire/RtcpTransportFeedback.h"
#include "tests/support/AllocationCounter.h"
#include "tests/unit/media/RouterTestSupport.h"

namespace chorus::media {
namespace {

using testing::buildRtp;
using testing::packetIn;
using TimePoint = Router::TimePoint;

const TimePoint kStart{std::chrono::seconds(100)};
constexpr StreamKey kStream = 3;
constexpr TransportKey kPublisher = 1;
constexpr std::uint32_t kPublisherSsrc = 0x1234;
constexpr std::size_t kPoolSlots = 256;

// A shard's side of the router that only counts: recording would allocate.
class CountingSink final : public RouterSink {
 public:
  explicit CountingSink(PacketPool& pool) : pool_(pool) {}
  PacketRef allocatePacket() override { return pool_.acquire(); }
  void sendRtp(TransportKey /*transport*/, PacketRef /*packet*/) override { ++rtp_; }
  void sendRtcp(TransportKey /*transport*/, PacketRef /*packet*/) override { ++rtcp_; }
  void wake(std::size_t /*peer*/) override { ++wakes_; }

  std::size_t rtpCount() const { return rtp_; }
  std::size_t rtcpCount() const { return rtcp_; }
  std::size_t wakes() const { return wakes_; }

 private:
  PacketPool& pool_;
  std::size_t rtp_ = 0;
  std::size_t rtcp_ = 0;
  std::size_t wakes_ = 0;
};

using Mesh = testing::ShardMesh<CountingSink>;

PublishedStreamSpec stream() {
  return {.key = kStream,
          .publisher = kPublisher,
          .video = true,
          .clockRate = 90'000,
          .ssrc = kPublisherSsrc,
          .payloadType = 96,
          .extensions = {.mid = 1, .absSendTime = 2, .transportCc = 3}};
}

SubscriptionSpec subscription(TransportKey subscriber, std::size_t publisherShard) {
  return {.stream = kStream,
          .publisherShard = publisherShard,
          .subscriber = subscriber,
          .video = true,
          .clockRate = 90'000,
          .ssrc = static_cast<std::uint32_t>(0xC0DE0000U + subscriber),
          .payloadType = 100,
          .publisherExtensions = stream().extensions,
          .subscriberExtensions = {.mid = 4, .absSendTime = 5, .transportCc = 6}};
}

// The publisher's packets: built once, before counting starts.
class PacketSource {
 public:
  static constexpr std::size_t kTransportSequenceOffset = 23;

  PacketSource()
      : bytes_(buildRtp({.ssrc = kPublisherSsrc,
                         .extensions = {{.id = 1, .value = {'v'}},
                                        {.id = 2, .value = {1, 2, 3}},
                                        {.id = 3, .value = {0, 1}}},
                         .payload = std::vector<std::uint8_t>(1000, 0x5A)})) {}

  // A packet of the stream with sequence number 0, timestamp 0.
  static const std::vector<std::uint8_t>& bytes() {
    static const std::vector<std::uint8_t> packet = PacketSource().bytes_;
    return packet;
  }

  void publish(testing::TestShard<CountingSink>& shard, TimePoint now) {
    PacketRef packet = packetIn(shard.pool, bytes_);
    storeBe16(packet->data(), 2, sequence_);
    storeBe32(packet->data(), 4, sequence_ * 3000U);
    // The transport-cc extension's value (id 3, after 'v' and abs-send-time), which the router
    // records for its feedback.
    storeBe16(packet->data(), kTransportSequenceOffset, sequence_);
    ++sequence_;
    shard.router.onRtp(kPublisher, packet, now);
  }

 private:
  std::vector<std::uint8_t> bytes_;
  std::uint16_t sequence_ = 65000;  // wraps during the run
};

TEST(RouterAllocationTest, FanOutToLocalSubscribersAllocatesNothing) {
  constexpr std::size_t kSubscribers = 4;
  constexpr std::size_t kWarmUp = 50;
  constexpr std::size_t kPackets = 2000;
  Mesh mesh(1, kPoolSlots);
  auto& shard = mesh.shard(0);
  shard.router.addPublishedStream(stream());
  for (std::size_t s = 0; s < kSubscribers; ++s) {
    mesh.subscribe(subscription(10 + s, 0), 0, 0, 0, kStart);
  }
  PacketSource source;
  TimePoint now = kStart;
  for (std::size_t i = 0; i < kWarmUp; ++i) {
    source.publish(shard, now += std::chrono::milliseconds(10));
  }
  // The first subscriber's transport-cc feedback every 10 packets, all received 10 ms apart:
  // each subscriber's transport numbers its packets from 0, so packet n carries n.
  constexpr std::size_t kFeedbackEvery = 10;
  const auto subscriberFeedback = [&shard](std::size_t last, TimePoint at) {
    std::array<RtcpTransportFeedback::PacketArrival, kFeedbackEvery> arrivals{};
    constexpr std::int64_t kTenMs = 10'000;
    const std::size_t first = last + 1 - kFeedbackEvery;
    for (std::size_t k = 0; k < kFeedbackEvery; ++k) {
      arrivals[k] = {static_cast<std::uint16_t>(first + k),
                     std::chrono::microseconds(static_cast<std::int64_t>(first + k) * kTenMs)};
    }
    const auto referenceTime =
        static_cast<std::int32_t>(static_cast<std::int64_t>(first) * kTenMs /
                                  RtcpTransportFeedback::kReferenceTimeTick.count());
    std::array<std::uint8_t, 128> bytes{};
    const auto size = RtcpTransportFeedback::build(bytes,
                                                   {.senderSsrc = 0xFEED,
                                                    .mediaSsrc = subscription(10, 0).ssrc,
                                                    .referenceTime = referenceTime},
                                                   arrivals);
    const PacketRef packet = packetIn(shard.pool, std::span(bytes).first(size.value_or(0)));
    shard.router.onRtcp(10, packet, at);
  };
  // A publisher SR, so that the router's SRs to the subscribers run too (RFC 3550 §6.4.1).
  std::array<std::uint8_t, 64> srBytes{};
  const auto srSize = RtcpSenderReport::build(
      srBytes, {.ssrc = kPublisherSsrc, .ntpTimestamp = 1ULL << 40, .rtpTimestamp = 0}, {});
  ASSERT_TRUE(srSize);
  const std::span<const std::uint8_t> sr = std::span(srBytes).first(*srSize);

  const test::AllocationCount before = test::allocationsOnThisThread();
  for (std::size_t i = 0; i < kPackets; ++i) {
    source.publish(shard, now += std::chrono::milliseconds(10));
    if (i % 100 == 0) {
      const PacketRef packet = packetIn(shard.pool, sr);
      shard.router.onRtcp(kPublisher, packet, now);
    }
    if ((kWarmUp + i) % kFeedbackEvery == kFeedbackEvery - 1) {
      subscriberFeedback(kWarmUp + i, now);
    }
    shard.router.tick(now);
  }
  const test::AllocationCount after = test::allocationsOnThisThread();
  EXPECT_EQ(after.operatorNew - before.operatorNew, 0U)
      << "operator new for " << kPackets << " packets fanned out to " << kSubscribers
      << ", with transport-cc feedback both ways, RRs and SRs";
  EXPECT_EQ(shard.router.counters().transportFeedbackReceived.value(), kPackets / kFeedbackEvery);
  EXPECT_EQ(shard.router.counters().transportCcUnstamped.value(), 0U);
  // About 0.85 Mbit/s acknowledged: the estimate rises from the start towards 1.5 times that.
  EXPECT_GT(shard.router.subscriberBitrate(10).value_or(0),
            SubscriberBandwidthEstimator::kStartBitrate);
  // 20 s at 10 ms a packet: feedback every 50 ms, reports every second.
  EXPECT_GE(shard.router.counters().transportFeedbackSent.value(), 390U);
  EXPECT_GE(shard.router.counters().receiverReportsSent.value(), 19U);
  EXPECT_GE(shard.router.counters().senderReportsSent.value(), 19U * kSubscribers);
  EXPECT_EQ(shard.sink.rtpCount(), (kWarmUp + kPackets) * kSubscribers);
  mesh.releaseKept(now);
  EXPECT_EQ(shard.pool.available(), kPoolSlots);
}

// The metrics the packet path keeps (by kind, RTCP by type, the RTCP histograms, the first
// forward of a new subscription) are counted without allocating either.
TEST(RouterAllocationTest, CountingByKindReportHistogramsAndFirstForwardAllocateNothing) {
  constexpr std::size_t kWarmUp = 50;
  constexpr std::size_t kPackets = 1000;
  constexpr std::size_t kReportEvery = 50;
  Mesh mesh(1, kPoolSlots);
  auto& shard = mesh.shard(0);
  shard.router.addPublishedStream(stream());
  mesh.subscribe(subscription(10, 0), 0, 0, 0, kStart);
  PacketSource source;
  TimePoint now = kStart;
  for (std::size_t i = 0; i < kWarmUp; ++i) {
    source.publish(shard, now += std::chrono::milliseconds(10));
    shard.router.tick(now);
  }
  (void)shard.router.takeFirstForwards();
  // A subscriber that joins now: its first packet is noted inside the counted stretch.
  mesh.subscribe(subscription(11, 0), 0, 0, 0, now);
  // The subscriber's RR about its stream: 3 ms of jitter at 90 kHz, 1/256 lost.
  const RtcpReportBlock block{
      .ssrc = subscription(10, 0).ssrc, .fractionLost = 1, .jitter = 270, .lastSenderReport = 0};
  std::array<std::uint8_t, 64> rrBytes{};
  const auto rrSize = RtcpReceiverReport::build(rrBytes, 0xFEED, std::span(&block, 1));
  ASSERT_TRUE(rrSize);
  const std::span<const std::uint8_t> rr = std::span(rrBytes).first(*rrSize);

  const test::AllocationCount before = test::allocationsOnThisThread();
  for (std::size_t i = 0; i < kPackets; ++i) {
    source.publish(shard, now += std::chrono::milliseconds(10));
    if (i % kReportEvery == 0) {
      const PacketRef packet = packetIn(shard.pool, rr);
      shard.router.onRtcp(10, packet, now);
    }
    shard.router.tick(now);
  }
  const test::AllocationCount after = test::allocationsOnThisThread();
  EXPECT_EQ(after.operatorNew - before.operatorNew, 0U);

  const RouterCounters& counters = shard.router.counters();
  const auto video = static_cast<std::size_t>(RtpKind::kVideo);
  EXPECT_EQ(counters.receivedPackets[video].value(), kWarmUp + kPackets);
  EXPECT_EQ(counters.receivedBytes[video].value(),
            (kWarmUp + kPackets) * PacketSource::bytes().size());
  EXPECT_EQ(counters.forwardedPackets[video].value(), kWarmUp + 2 * kPackets);
  EXPECT_EQ(counters.forwardedPackets[static_cast<std::size_t>(RtpKind::kAudio)].value(), 0U);
  EXPECT_EQ(counters.rtcpReceived[static_cast<std::size_t>(RtcpType::kRr)].value(),
            kPackets / kReportEvery);
  // Every report's block went into the subscriber histograms, in the buckets its values fall in.
  EXPECT_EQ(counters.subscriberJitter.bucket(2), kPackets / kReportEvery);        // (2.5 ms, 5 ms]
  EXPECT_EQ(counters.subscriberFractionLost.bucket(1), kPackets / kReportEvery);  // (0, 0.005]
  // The router's own RRs to the publisher, one a second, measured its stream.
  std::uint64_t publisherSamples = 0;
  for (std::size_t index = 0; index <= counters.publisherJitter.bounds().size(); ++index) {
    publisherSamples += counters.publisherJitter.bucket(index);
  }
  EXPECT_EQ(publisherSamples, counters.receiverReportsSent.value());
  const auto firsts = shard.router.takeFirstForwards();
  ASSERT_EQ(firsts.size(), 1U);
  EXPECT_EQ(firsts[0].subscriber, 11U);
  mesh.releaseKept(now);
}

TEST(RouterAllocationTest, LendingDrainingAndReturningAcrossShardsAllocatesNothing) {
  constexpr std::size_t kWarmUp = 50;
  constexpr std::size_t kPackets = 2000;
  constexpr std::size_t kDrainEvery = 8;
  constexpr std::size_t kPliEvery = 100;
  Mesh mesh(2, kPoolSlots);
  auto& publisherShard = mesh.shard(0);
  auto& subscriberShard = mesh.shard(1);
  publisherShard.router.addPublishedStream(stream());
  mesh.subscribe(subscription(10, 0), 0, 0, 0, kStart);  // one beside the publisher
  mesh.subscribe(subscription(20, 0), 1, 0, 0, kStart);  // two on the other shard
  mesh.subscribe(subscription(21, 0), 1, 0, 0, kStart);
  // Subscriber 20 asks for a keyframe now and then (RFC 4585 §6.3.1): the request crosses back.
  std::array<std::uint8_t, RtcpPli::kSize> pliBytes{};
  ASSERT_TRUE(RtcpPli::build(pliBytes, 0xFEED, subscription(20, 0).ssrc));
  // The publisher's SRs, relayed to the other shard for its subscribers' SRs.
  std::array<std::uint8_t, 64> srBytes{};
  const auto srSize = RtcpSenderReport::build(
      srBytes, {.ssrc = kPublisherSsrc, .ntpTimestamp = 1ULL << 40, .rtpTimestamp = 0}, {});
  ASSERT_TRUE(srSize);
  const std::span<const std::uint8_t> sr = std::span(srBytes).first(*srSize);
  PacketSource source;
  TimePoint now = kStart;
  const auto run = [&](std::size_t packets) {
    for (std::size_t i = 1; i <= packets; ++i) {
      source.publish(publisherShard, now += std::chrono::milliseconds(10));
      if (i % kPliEvery == 0) {
        const PacketRef pli = packetIn(subscriberShard.pool, pliBytes);
        subscriberShard.router.onRtcp(20, pli, now);
        const PacketRef report = packetIn(publisherShard.pool, sr);
        publisherShard.router.onRtcp(kPublisher, report, now);
      }
      if (i % kDrainEvery == 0) {
        // tick(): drain(), then the SRs to its subscribers.
        subscriberShard.router.tick(now);
        // tick(): drain() and the retransmission buffer's expiry, as the shard's 20 ms tick.
        publisherShard.router.tick(now);
      }
    }
    subscriberShard.router.drain(now);
    publisherShard.router.drain(now);
  };
  run(kWarmUp);

  const test::AllocationCount before = test::allocationsOnThisThread();
  run(kPackets);
  const test::AllocationCount after = test::allocationsOnThisThread();
  EXPECT_EQ(after.operatorNew - before.operatorNew, 0U)
      << "operator new for " << kPackets << " packets lent, copied and returned, SRs relayed";
  // From the publisher's first SR, 1 s in, to the end 19 s later: an SR to each of the two
  // subscribers on the other shard every 1.04 s (the first tick a second after the last).
  EXPECT_GE(subscriberShard.router.counters().senderReportsSent.value(), 2U * 18);
  EXPECT_EQ(publisherShard.sink.rtpCount(), kWarmUp + kPackets);
  EXPECT_EQ(subscriberShard.sink.rtpCount(), 2 * (kWarmUp + kPackets));
  EXPECT_EQ(publisherShard.router.counters().lent.value(), kWarmUp + kPackets);
  EXPECT_GT(publisherShard.sink.rtcpCount(), 1U) << "keyframe requests reached the publisher";
  EXPECT_GT(publisherShard.sink.wakes() + subscriberShard.sink.wakes(), 0U);
  mesh.releaseKept(now);
  mesh.expectPoolsFull();
}

// NACK and RTX allocate nothing either: subscribers' NACKs answered from the buffer (RTX on the
// same shard, the original through the rings to another), the publisher's losses NACKed on the
// tick and its RTX packets recovered, and the buffer letting go of old slots.
TEST(RouterAllocationTest, NackAndRtxPathsAllocateNothing) {
  constexpr std::size_t kWarmUp = 50;
  constexpr std::size_t kPackets = 2000;
  constexpr std::size_t kLossEvery = 10;
  Mesh mesh(2, kPoolSlots);
  auto& publisherShard = mesh.shard(0);
  auto& subscriberShard = mesh.shard(1);
  PublishedStreamSpec spec = stream();
  spec.rtxSsrc = kPublisherSsrc + 1;
  publisherShard.router.addPublishedStream(spec);
  SubscriptionSpec local = subscription(10, 0);
  local.rtxSsrc = 0xC0DE1000;
  local.rtxPayloadType = 101;
  mesh.subscribe(local, 0, 0, 0, kStart);
  mesh.subscribe(subscription(20, 0), 1, 0, 0, kStart);
  // Built before counting: each subscriber's NACK of its outgoing sequence 0 + n, the bytes
  // rewritten per round; the publisher's RTX of a lost packet likewise.
  std::array<std::uint8_t, 64> localNack{};
  std::array<std::uint8_t, 64> remoteNack{};
  const std::array<RtcpNackItem, 1> item{RtcpNackItem{}};
  const std::size_t nackSize = *RtcpNack::build(localNack, 0xFEED, local.ssrc, item);
  RtcpNack::build(remoteNack, 0xFEED, subscription(20, 0).ssrc, item);
  const std::vector<std::uint8_t> rtxBytes = buildRtp(
      {.ssrc = spec.rtxSsrc, .payloadType = 97, .payload = std::vector<std::uint8_t>(1002, 0x5A)});
  std::uint16_t sequence = 65000;
  std::uint16_t rtxSequence = 0;
  TimePoint now = kStart;
  const auto run = [&](std::size_t packets) {
    for (std::size_t i = 1; i <= packets; ++i) {
      now += std::chrono::milliseconds(10);
      PacketRef packet = packetIn(publisherShard.pool, PacketSource::bytes());
      storeBe16(packet->data(), 2, sequence);
      const bool lost = i % kLossEvery == 0;
      if (lost) {
        // Lost on the way in: the tick NACKs it, and its RTX comes back a little later.
        packet.reset();
      } else {
        publisherShard.router.onRtp(kPublisher, packet, now);
      }
      if (i % kLossEvery == 3) {
        PacketRef rtx = packetIn(publisherShard.pool, rtxBytes);
        storeBe16(rtx->data(), 2, rtxSequence++);
        storeBe16(rtx->data(), 12, static_cast<std::uint16_t>(sequence - 3));
        publisherShard.router.onRtp(kPublisher, rtx, now);
      }
      ++sequence;
      if (i % kLossEvery == 5) {
        // Each subscriber lost the packet before the last. Both start at outgoing 0 and keep
        // the publisher's gaps, so outgoing = source - 65000.
        const auto nacked = static_cast<std::uint16_t>(sequence - 2 - 65000);
        storeBe16(localNack, 12, nacked);
        storeBe16(remoteNack, 12, nacked);
        const PacketRef localFeedback =
            packetIn(publisherShard.pool, std::span(localNack).first(nackSize));
        publisherShard.router.onRtcp(10, localFeedback, now);
        const PacketRef remoteFeedback =
            packetIn(subscriberShard.pool, std::span(remoteNack).first(nackSize));
        subscriberShard.router.onRtcp(20, remoteFeedback, now);
      }
      subscriberShard.router.drain(now);
      publisherShard.router.tick(now);
    }
    subscriberShard.router.drain(now);
    publisherShard.router.drain(now);
  };
  run(kWarmUp);

  const test::AllocationCount before = test::allocationsOnThisThread();
  run(kPackets);
  const test::AllocationCount after = test::allocationsOnThisThread();
  EXPECT_EQ(after.operatorNew - before.operatorNew, 0U)
      << "operator new on the NACK and RTX paths over " << kPackets << " packets";
  const RouterCounters& publisherCounters = publisherShard.router.counters();
  const RouterCounters& subscriberCounters = subscriberShard.router.counters();
  EXPECT_GT(publisherCounters.rtxRecovered.value(), kPackets / kLossEvery / 2);
  EXPECT_GT(publisherCounters.nacksSent.value(), kPackets / kLossEvery / 2);
  EXPECT_GT(publisherCounters.retransmitted.value(), kPackets / kLossEvery / 2);
  EXPECT_GT(subscriberCounters.retransmitted.value(), kPackets / kLossEvery / 2);
  EXPECT_EQ(publisherCounters.poolExhausted.value(), 0U);
  mesh.releaseKept(now);
  mesh.expectPoolsFull();
}

}  // namespace
}  // namespace chorus::media
