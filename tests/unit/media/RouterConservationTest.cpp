// Conservation across shards, in one thread and without sockets: several Routers, one per
// "shard", each with its own pool, connected by ShardLinks as ShardPool connects them. Every
// packet a publisher sends reaches every subscriber of its stream exactly once and in order,
// with the payload unchanged, wherever the two live, and every lent slot goes back to its pool.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "media/routing/Router.h"
#include "media/routing/ShardLink.h"
#include "media/wire/RtcpCompoundView.h"
#include "media/wire/RtcpPli.h"
#include "media/wire/RtpPacketView.h"
#include "tests/unit/media/RouterTestSupport.h"

namespace chorus::media {
namespace {

using testing::buildRtp;
using testing::packetIn;
using testing::payloadFor;
using testing::RecordingRouterSink;
using ShardMesh = testing::ShardMesh<RecordingRouterSink>;
using TimePoint = Router::TimePoint;

const TimePoint kStart{std::chrono::seconds(900)};
constexpr std::uint32_t kClockRate = 48'000;
constexpr std::uint32_t kTicksPerPacket = 960;  // 20 ms at 48 kHz

using Publisher = testing::TestPublisher;

struct Subscriber {
  TransportKey transport = 0;
  std::size_t shard = 0;
  std::vector<std::size_t> publishers;  // indices into the publishers
};

std::uint32_t subscriberSsrc(TransportKey subscriber, StreamKey stream) {
  return 0x50000000U + static_cast<std::uint32_t>(subscriber) * 16U + stream;
}
std::uint16_t subscriberFirstSequence(TransportKey subscriber, StreamKey stream) {
  // Some of them wrap during the run.
  return static_cast<std::uint16_t>(65000U + subscriber * 211U + std::uint64_t{stream} * 17U);
}
std::uint32_t subscriberFirstTimestamp(TransportKey subscriber, StreamKey stream) {
  return 0xFFFF0000U + static_cast<std::uint32_t>(subscriber) * 4096U + stream;
}

void publish(testing::TestShard<RecordingRouterSink>& shard, const Publisher& publisher,
             std::uint16_t index, TimePoint now) {
  const auto sequence = static_cast<std::uint16_t>(publisher.firstSequence + index);
  const std::vector<std::uint8_t> bytes =
      buildRtp({.ssrc = publisher.ssrc,
                .sequenceNumber = sequence,
                .timestamp = 0x1000U + index * kTicksPerPacket,
                .payloadType = 111,
                .payload = payloadFor(publisher.stream, sequence)});
  PacketRef packet = packetIn(shard.pool, bytes);
  ASSERT_TRUE(packet) << "publisher's pool exhausted";
  shard.router.onRtp(publisher.transport, packet, now);
}

// Every packet of `publisher`'s stream, `count` of them, reached `received` (one subscriber's
// recorded RTP) once, in order, rewritten and with the payload unchanged.
void expectWholeStream(const RecordingRouterSink::Packets& received, const Subscriber& subscriber,
                       const Publisher& publisher, std::size_t count) {
  const std::uint32_t ssrc = subscriberSsrc(subscriber.transport, publisher.stream);
  std::size_t next = 0;
  for (const auto& packet : received) {
    std::vector<std::uint8_t> bytes = packet;
    const auto view = RtpPacketView::parse(bytes);
    ASSERT_TRUE(view);
    if (view->ssrc() != ssrc) {
      continue;
    }
    ASSERT_LT(next, count) << "more packets than sent";
    const auto index = static_cast<std::uint16_t>(next);
    EXPECT_EQ(view->sequenceNumber(),
              static_cast<std::uint16_t>(
                  subscriberFirstSequence(subscriber.transport, publisher.stream) + index));
    EXPECT_EQ(view->timestamp(), subscriberFirstTimestamp(subscriber.transport, publisher.stream) +
                                     index * kTicksPerPacket);
    const std::vector<std::uint8_t> payload(view->payload().begin(), view->payload().end());
    ASSERT_EQ(payload, payloadFor(publisher.stream,
                                  static_cast<std::uint16_t>(publisher.firstSequence + index)))
        << "subscriber " << subscriber.transport << " stream " << publisher.stream << " packet "
        << next;
    ++next;
  }
  EXPECT_EQ(next, count) << "subscriber " << subscriber.transport << " stream " << publisher.stream;
}

TEST(RouterConservationTest, EveryPacketReachesEverySubscriberOnceInOrderAcrossShards) {
  constexpr std::size_t kShards = 3;
  constexpr std::size_t kPublishers = 6;
  constexpr std::size_t kSubscribers = 12;
  constexpr std::uint16_t kPacketsPerStream = 500;
  constexpr std::size_t kDrainEveryRounds = 7;
  // Room for each video stream's retransmission buffer (all its packets: they span 0.5 s).
  ShardMesh mesh(kShards, 1024);

  std::vector<Publisher> publishers;
  for (std::size_t p = 0; p < kPublishers; ++p) {
    const auto stream = static_cast<StreamKey>(p + 1);
    publishers.push_back({.stream = stream,
                          .transport = 100 + p,
                          .shard = p % kShards,
                          .ssrc = 0x1000U + static_cast<std::uint32_t>(p),
                          .firstSequence = static_cast<std::uint16_t>(65400U + p * 20U),
                          .video = p % 2 == 0});
    mesh.shard(p % kShards)
        .router.addPublishedStream({.key = stream,
                                    .publisher = 100 + p,
                                    .video = p % 2 == 0,
                                    .clockRate = kClockRate,
                                    .ssrc = 0x1000U + static_cast<std::uint32_t>(p),
                                    .payloadType = 111});
  }
  std::vector<Subscriber> subscribers;
  std::size_t deliveries = 0;
  for (std::size_t s = 0; s < kSubscribers; ++s) {
    // Each subscribes to three streams: some published on its own shard, some on others.
    Subscriber subscriber{
        .transport = 1000 + s,
        .shard = (s * 2) % kShards,
        .publishers = {s % kPublishers, (s + 1) % kPublishers, (s + 3) % kPublishers}};
    for (const std::size_t p : subscriber.publishers) {
      const Publisher& publisher = publishers[p];
      mesh.subscribe({.stream = publisher.stream,
                      .publisherShard = publisher.shard,
                      .subscriber = subscriber.transport,
                      .video = publisher.video,
                      .clockRate = kClockRate,
                      .ssrc = subscriberSsrc(subscriber.transport, publisher.stream),
                      .payloadType = 100},
                     subscriber.shard,
                     subscriberFirstSequence(subscriber.transport, publisher.stream),
                     subscriberFirstTimestamp(subscriber.transport, publisher.stream), kStart);
      ++deliveries;
    }
    subscribers.push_back(subscriber);
  }

  TimePoint now = kStart;
  for (std::uint16_t index = 0; index < kPacketsPerStream; ++index) {
    now += std::chrono::milliseconds(1);
    for (const Publisher& publisher : publishers) {
      publish(mesh.shard(publisher.shard), publisher, index, now);
    }
    if (index % kDrainEveryRounds == 0) {
      mesh.drainUntilQuiet(now);
    }
  }
  mesh.drainUntilQuiet(now);

  for (const Subscriber& subscriber : subscribers) {
    const auto& received = mesh.shard(subscriber.shard).sink.rtp(subscriber.transport);
    EXPECT_EQ(received.size(), subscriber.publishers.size() * kPacketsPerStream);
    for (const std::size_t p : subscriber.publishers) {
      expectWholeStream(received, subscriber, publishers[p], kPacketsPerStream);
    }
  }
  std::uint64_t forwarded = 0;
  std::uint64_t lent = 0;
  for (std::size_t index = 0; index < kShards; ++index) {
    const RouterCounters& counters = mesh.shard(index).router.counters();
    forwarded += counters.forwarded.value();
    lent += counters.lent.value();
    EXPECT_EQ(counters.ringFull.value(), 0U);
    EXPECT_EQ(counters.poolExhausted.value(), 0U);
    EXPECT_EQ(counters.duplicate.value(), 0U);
    EXPECT_EQ(counters.unknownStream.value(), 0U);
  }
  EXPECT_EQ(forwarded, deliveries * kPacketsPerStream);
  EXPECT_GT(lent, 0U) << "some subscribers live on another shard than their publisher";
  // Each video stream's publisher was asked for a keyframe, through the rings when its
  // subscribers live elsewhere; audio publishers never.
  for (const Publisher& publisher : publishers) {
    const auto& feedback = mesh.shard(publisher.shard).sink.rtcp(publisher.transport);
    if (!publisher.video) {
      EXPECT_TRUE(feedback.empty());
      continue;
    }
    ASSERT_FALSE(feedback.empty()) << "stream " << publisher.stream;
    const auto compound = RtcpCompoundView::parse(feedback.front());
    ASSERT_TRUE(compound);
    const auto pli = RtcpPli::parse(*compound->begin());
    ASSERT_TRUE(pli);
    EXPECT_EQ(pli->mediaSsrc(), publisher.ssrc);
  }
  mesh.releaseKept(now);
  mesh.expectPoolsFull();
}

// A ring to a peer that does not drain fills: what does not fit is a counted drop, never a
// block, the slots it would have used stay home, and once the peer drains, every slot comes back
// and forwarding resumes, the drop a gap in the subscriber's sequence numbers.
TEST(RouterConservationTest, FullRingIsACountedDropAndEverySlotComesBack) {
  constexpr std::size_t kOverflow = 100;
  constexpr std::size_t kBurst = ShardLink::kCapacity + kOverflow;
  constexpr std::size_t kAfter = 10;
  constexpr std::size_t kPoolSlots = ShardLink::kCapacity + 64;
  ShardMesh mesh(2, kPoolSlots);
  const Publisher publisher{.stream = 5,
                            .transport = 100,
                            .shard = 0,
                            .ssrc = 0xABCD,
                            .firstSequence = 0,
                            .video = false};
  mesh.shard(0).router.addPublishedStream(
      {.key = 5, .publisher = 100, .clockRate = kClockRate, .ssrc = 0xABCD, .payloadType = 111});
  const Subscriber subscriber{.transport = 1000, .shard = 1, .publishers = {0}};
  const std::uint16_t first = subscriberFirstSequence(subscriber.transport, publisher.stream);
  mesh.subscribe({.stream = 5,
                  .publisherShard = 0,
                  .subscriber = 1000,
                  .clockRate = kClockRate,
                  .ssrc = subscriberSsrc(1000, 5),
                  .payloadType = 100},
                 1, first, subscriberFirstTimestamp(1000, 5), kStart);

  for (std::size_t index = 0; index < kBurst; ++index) {
    publish(mesh.shard(0), publisher, static_cast<std::uint16_t>(index), kStart);
  }
  const RouterCounters& counters = mesh.shard(0).router.counters();
  EXPECT_EQ(counters.lent.value(), ShardLink::kCapacity);
  EXPECT_EQ(counters.ringFull.value(), kOverflow);
  EXPECT_EQ(mesh.shard(0).pool.available(), kPoolSlots - ShardLink::kCapacity)
      << "a packet the ring refused goes straight back to the pool";
  EXPECT_EQ(mesh.shard(0).sink.wakes(1), 1U) << "one wake for the ring that became non-empty";
  EXPECT_TRUE(mesh.shard(1).sink.rtp(1000).empty());

  mesh.drainUntilQuiet(kStart);
  mesh.expectPoolsFull();
  expectWholeStream(mesh.shard(1).sink.rtp(1000), subscriber, publisher, ShardLink::kCapacity);

  for (std::size_t index = kBurst; index < kBurst + kAfter; ++index) {
    publish(mesh.shard(0), publisher, static_cast<std::uint16_t>(index), kStart);
  }
  mesh.drainUntilQuiet(kStart);
  const auto& received = mesh.shard(1).sink.rtp(1000);
  ASSERT_EQ(received.size(), ShardLink::kCapacity + kAfter);
  for (std::size_t i = 0; i < kAfter; ++i) {
    std::vector<std::uint8_t> bytes = received[ShardLink::kCapacity + i];
    const auto view = RtpPacketView::parse(bytes);
    ASSERT_TRUE(view);
    EXPECT_EQ(view->sequenceNumber(), static_cast<std::uint16_t>(first + kBurst + i))
        << "the dropped packets are a gap the subscriber can see";
  }
  EXPECT_EQ(counters.ringFull.value(), kOverflow);
  mesh.expectPoolsFull();
}

}  // namespace
}  // namespace chorus::media
