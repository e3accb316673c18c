// Conservation across shards, in one thread and without sockets: several Routers, one per
// "shard", each with its own pool, connected by ShardLinks as ShardPool connects them. Every
// packet a publisher sends reaches every subscriber of its stream exactly once and in order,
// with the payload unchanged, wherever the two live, and every lent slot goes back to its pool.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "media/routing/Router.h"
#include "media/routing/ShardLink.h"
#include "media/wire/ByteOrder.h"
#include "media/wire/RtcpCompoundView.h"
#include "media/wire/RtcpNack.h"
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

// Conservation with loss: the publisher's packets are lost on the way in (the router NACKs them
// and the publisher answers on its RTX stream), and the subscribers lose some of what the router
// sends them (they NACK it, and get it again on their RTX stream, or in the original stream when
// they have none). In the end each subscriber has every packet exactly once, payload unchanged,
// whichever shard it lives on, and every slot goes back to its pool.
TEST(RouterConservationTest, LossOnBothLegsIsRepairedByNackAndRtx) {
  constexpr std::uint16_t kPackets = 400;
  constexpr std::uint16_t kSourceFirst = 65300;  // the publisher's numbers wrap
  constexpr std::uint32_t kPublisherSsrc = 0x7000;
  constexpr std::uint32_t kPublisherRtxSsrc = 0x7001;
  constexpr StreamKey kStream = 4;
  constexpr TransportKey kPublisherTransport = 100;
  ShardMesh mesh(2, 1024);
  mesh.shard(0).router.addPublishedStream({.key = kStream,
                                           .publisher = kPublisherTransport,
                                           .video = true,
                                           .clockRate = 90'000,
                                           .ssrc = kPublisherSsrc,
                                           .rtxSsrc = kPublisherRtxSsrc,
                                           .payloadType = 96});
  struct Leg {
    TransportKey transport;
    std::size_t shard;
    bool rtx;
    std::size_t seen = 0;                         // recorded packets already looked at
    std::size_t losses = 0;                       // packets it "lost"
    std::map<std::uint16_t, std::size_t> copies;  // outgoing sequence -> copies received
  };
  std::vector<Leg> legs{{.transport = 1000, .shard = 1, .rtx = true},
                        {.transport = 1001, .shard = 0, .rtx = false},
                        {.transport = 1002, .shard = 0, .rtx = true},
                        {.transport = 1003, .shard = 1, .rtx = false}};
  for (const Leg& leg : legs) {
    mesh.subscribe({.stream = kStream,
                    .publisherShard = 0,
                    .subscriber = leg.transport,
                    .video = true,
                    .clockRate = 90'000,
                    .ssrc = subscriberSsrc(leg.transport, kStream),
                    .rtxSsrc = leg.rtx ? subscriberSsrc(leg.transport, kStream) + 8 : 0,
                    .payloadType = 100,
                    .rtxPayloadType = static_cast<std::uint8_t>(leg.rtx ? 101 : 0)},
                   leg.shard, subscriberFirstSequence(leg.transport, kStream), 0, kStart);
  }
  const auto original = [&](std::uint16_t sequence) {
    return buildRtp({.ssrc = kPublisherSsrc,
                     .sequenceNumber = sequence,
                     .timestamp = sequence * 3000U,
                     .payloadType = 96,
                     .payload = payloadFor(kStream, sequence)});
  };
  std::uint16_t rtxSequence = 0;
  const auto publisherRtx = [&](std::uint16_t sequence) {
    std::vector<std::uint8_t> payload{static_cast<std::uint8_t>(sequence >> 8U),
                                      static_cast<std::uint8_t>(sequence & 0xFFU)};
    const auto media = payloadFor(kStream, sequence);
    payload.insert(payload.end(), media.begin(), media.end());
    return buildRtp({.ssrc = kPublisherRtxSsrc,
                     .sequenceNumber = rtxSequence++,
                     .timestamp = sequence * 3000U,
                     .payloadType = 97,
                     .payload = payload});
  };
  const auto send = [&](const std::vector<std::uint8_t>& bytes, TimePoint now) {
    PacketRef packet = packetIn(mesh.shard(0).pool, bytes);
    mesh.shard(0).router.onRtp(kPublisherTransport, packet, now);
  };
  std::size_t publisherNacksSeen = 0;
  // The publisher answers the router's NACKs on its RTX stream.
  const auto answerPublisherNacks = [&](TimePoint now) {
    const auto& rtcp = mesh.shard(0).sink.rtcp(kPublisherTransport);
    for (; publisherNacksSeen < rtcp.size(); ++publisherNacksSeen) {
      const auto compound = RtcpCompoundView::parse(rtcp[publisherNacksSeen]);
      for (const RtcpHeader& header : *compound) {
        const auto nack = RtcpNack::parse(header);
        if (!nack) {
          continue;
        }
        for (std::size_t i = 0; i < nack->itemCount(); ++i) {
          const RtcpNackItem item = nack->item(i);
          send(publisherRtx(item.packetId), now);
          for (unsigned bit = 0; bit < 16; ++bit) {
            if (((item.lostBitmask >> bit) & 1U) != 0) {
              send(publisherRtx(static_cast<std::uint16_t>(item.packetId + bit + 1)), now);
            }
          }
        }
      }
    }
  };
  // Each subscriber loses one packet in 9 of what reaches it (retransmissions included) and
  // NACKs it; RTX packets count as the original they carry.
  const auto receive = [&](TimePoint now) {
    for (Leg& leg : legs) {
      const std::uint32_t ssrc = subscriberSsrc(leg.transport, kStream);
      const auto& received = mesh.shard(leg.shard).sink.rtp(leg.transport);
      std::vector<std::uint16_t> lost;
      for (; leg.seen < received.size(); ++leg.seen) {
        std::vector<std::uint8_t> bytes = received[leg.seen];
        const auto view = RtpPacketView::parse(bytes);
        ASSERT_TRUE(view);
        std::uint16_t sequence = view->sequenceNumber();
        std::vector<std::uint8_t> payload(view->payload().begin(), view->payload().end());
        if (view->ssrc() != ssrc) {
          ASSERT_EQ(view->ssrc(), ssrc + 8);
          sequence = loadBe16(payload, 0);
          payload.erase(payload.begin(), payload.begin() + 2);
        }
        if (leg.seen % 9 == 4) {
          ++leg.losses;
          lost.push_back(sequence);
          continue;
        }
        const auto index =
            static_cast<std::uint16_t>(sequence - subscriberFirstSequence(leg.transport, kStream));
        ASSERT_LT(index, kPackets);
        ASSERT_EQ(payload, payloadFor(kStream, static_cast<std::uint16_t>(kSourceFirst + index)));
        ++leg.copies[sequence];
      }
      if (!lost.empty()) {
        std::array<std::uint8_t, 512> nack{};
        const auto size = RtcpNack::buildFromLost(nack, 0x5EED, ssrc, lost);
        ASSERT_TRUE(size);
        const PacketRef packet = packetIn(mesh.shard(leg.shard).pool, std::span(nack).first(*size));
        mesh.shard(leg.shard).router.onRtcp(leg.transport, packet, now);
      }
    }
  };
  TimePoint now = kStart;
  const auto round = [&] {
    now += std::chrono::milliseconds(5);
    for (std::size_t shard = 0; shard < mesh.size(); ++shard) {
      mesh.shard(shard).router.tick(now);
    }
    answerPublisherNacks(now);
    mesh.drainUntilQuiet(now);
    receive(now);
    mesh.drainUntilQuiet(now);
  };
  for (std::uint16_t index = 0; index < kPackets; ++index) {
    if (index % 13 != 6) {  // lost on the way in
      send(original(static_cast<std::uint16_t>(kSourceFirst + index)), now);
    }
    if (index % 4 == 3) {
      round();
    }
  }
  for (int settle = 0; settle < 20; ++settle) {
    round();
  }
  for (const Leg& leg : legs) {
    EXPECT_GT(leg.losses, 0U);
    ASSERT_EQ(leg.copies.size(), kPackets) << "subscriber " << leg.transport;
    for (const auto& [sequence, copies] : leg.copies) {
      EXPECT_EQ(copies, 1U) << "subscriber " << leg.transport << " sequence " << sequence;
    }
  }
  std::uint64_t retransmitted = 0;
  for (std::size_t shard = 0; shard < mesh.size(); ++shard) {
    const RouterCounters& counters = mesh.shard(shard).router.counters();
    retransmitted += counters.retransmitted.value();
    EXPECT_EQ(counters.nackMissed.value(), 0U);
    EXPECT_EQ(counters.ringFull.value(), 0U);
    EXPECT_EQ(counters.poolExhausted.value(), 0U);
  }
  EXPECT_GT(mesh.shard(0).router.counters().rtxRecovered.value(), 0U);
  EXPECT_GT(retransmitted, 0U);
  mesh.releaseKept(now);
  mesh.expectPoolsFull();
}

}  // namespace
}  // namespace chorus::media
