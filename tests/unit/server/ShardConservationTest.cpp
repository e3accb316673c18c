// Conservation through running shards over loopback UDP (issue 6): two publishers, one per
// shard, and four subscribers, two per shard, each subscribed to both streams. Every packet a
// publisher sends reaches each subscriber once, in order, with its payload unchanged, or is
// missing only where a counter, the kernel's included (SO_RXQ_OVFL), says it was dropped.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "media/routing/Router.h"
#include "media/stats/PacketCounters.h"
#include "media/wire/ByteOrder.h"
#include "media/wire/RtpPacketView.h"
#include "server/shard/ShardPool.h"
#include "tests/unit/server/LoopbackWebRtcClient.h"
#include "tests/unit/server/ShardTestSupport.h"

namespace chorus::server {
namespace {
using testing::connectedBrowser;
using testing::onShard;
using testing::serverCertificate;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kShards = 2;
constexpr std::uint32_t kPackets = 2000;
// Packets each publisher sends before the test reads what has arrived: a moderate rate that
// neither the shards' sockets nor the subscribers' should overflow, and that the test keeps
// without sleeping.
constexpr std::uint32_t kBurst = 20;
constexpr std::size_t kPayloadBytes = 160;
constexpr std::uint8_t kOpus = 111;
constexpr std::uint16_t kFirstSequence = 100;
// Big enough for everything a subscriber receives, should the test thread fall behind.
constexpr std::size_t kSubscriberBuffer = std::size_t{4} * 1024 * 1024;
// Delivery is over once no subscriber has received anything for this long.
constexpr std::chrono::milliseconds kQuiet{500};
constexpr std::chrono::seconds kDeadline{30};

// Transport ids pick their shard (id % kShards).
struct Publisher {
  TransportId transport;
  media::StreamKey stream;
  std::uint32_t ssrc;
};
constexpr std::array<Publisher, 2> kPublishers{{{10, 1, 0xa0a0}, {11, 2, 0xb0b0}}};
constexpr std::array<TransportId, 4> kSubscribers{20, 22, 21, 23};

std::uint32_t subscriberSsrc(std::size_t subscriber, std::size_t stream) {
  return 0x5000U + static_cast<std::uint32_t>(subscriber * 16 + stream);
}

// The payload names its stream and sequence, and fills the rest from both, so a packet that
// arrives altered, or under another stream's SSRC, is caught.
std::array<std::uint8_t, kPayloadBytes> payloadOf(std::size_t stream, std::uint32_t sequence) {
  std::array<std::uint8_t, kPayloadBytes> payload{};
  media::storeBe32(payload, 0, static_cast<std::uint32_t>(stream));
  media::storeBe32(payload, 4, sequence);
  for (std::size_t i = 8; i < payload.size(); ++i) {
    payload[i] = static_cast<std::uint8_t>(stream * 31 + std::size_t{sequence} * 7 + i);
  }
  return payload;
}

// RFC 3550 §5.1: V=2, no padding, extension or CSRCs; 20 ms of Opus per packet.
std::vector<std::uint8_t> rtpPacket(std::size_t stream, std::uint32_t sequence) {
  std::vector<std::uint8_t> packet(12);
  packet[0] = 0x80;
  packet[1] = kOpus;
  media::storeBe16(packet, 2, static_cast<std::uint16_t>(sequence));
  media::storeBe32(packet, 4, sequence * 960U);
  media::storeBe32(packet, 8, kPublishers[stream].ssrc);
  const auto payload = payloadOf(stream, sequence);
  packet.insert(packet.end(), payload.begin(), payload.end());
  return packet;
}

// What one subscriber received of one stream, checked as it arrives.
struct Reception {
  std::uint32_t received = 0;
  std::uint32_t outOfOrder = 0;  // not after the previous one: duplicated or reordered
  std::uint32_t corrupted = 0;   // payload or rewritten sequence number not as sent
  std::int64_t lastSequence = -1;
};

std::uint64_t dropped(const Shard& shard, media::DropReason reason) {
  return shard.counters().datagramsDropped[static_cast<std::size_t>(reason)].value();
}

TEST(ShardConservationTest, EveryPacketReachesEverySubscriberOrIsCountedAsDropped) {
  ShardPool pool(testing::anyPortsConfig(), kShards, serverCertificate());
  pool.start();
  std::vector<std::unique_ptr<LoopbackWebRtcClient>> publishers;
  for (const Publisher& publisher : kPublishers) {
    publishers.push_back(connectedBrowser(pool.shardFor(publisher.transport), publisher.transport));
    ASSERT_TRUE(publishers.back()->client().connected());
  }
  std::vector<std::unique_ptr<LoopbackWebRtcClient>> subscribers;
  for (const TransportId subscriber : kSubscribers) {
    subscribers.push_back(
        connectedBrowser(pool.shardFor(subscriber), subscriber, kSubscriberBuffer));
    ASSERT_TRUE(subscribers.back()->client().connected());
  }

  for (const Publisher& publisher : kPublishers) {
    Shard& shard = pool.shardFor(publisher.transport);
    onShard(shard, [&] {
      shard.router().addPublishedStream({.key = publisher.stream,
                                         .publisher = publisher.transport,
                                         .clockRate = 48000,
                                         .ssrc = publisher.ssrc,
                                         .payloadType = kOpus});
      for (const TransportId subscriber : kSubscribers) {
        if (const std::size_t peer = pool.shardFor(subscriber).index(); peer != shard.index()) {
          shard.router().addRemoteSubscriber(publisher.stream, peer);
        }
      }
    });
  }
  for (std::size_t u = 0; u < kSubscribers.size(); ++u) {
    Shard& shard = pool.shardFor(kSubscribers[u]);
    onShard(shard, [&] {
      for (std::size_t s = 0; s < kPublishers.size(); ++s) {
        media::SubscriptionSpec subscription;
        subscription.stream = kPublishers[s].stream;
        subscription.publisherShard = pool.shardFor(kPublishers[s].transport).index();
        subscription.subscriber = kSubscribers[u];
        subscription.clockRate = 48000;
        subscription.ssrc = subscriberSsrc(u, s);
        subscription.payloadType = kOpus;
        shard.router().addSubscription(subscription, kFirstSequence, 1000, Clock::now());
      }
    });
  }

  std::array<std::array<Reception, kPublishers.size()>, kSubscribers.size()> receptions{};
  std::uint32_t unexpected = 0;  // RTP under an SSRC the subscriber was not given
  const auto collect = [&](std::size_t u) {
    auto datagrams = subscribers[u]->client().takeRtp();
    for (auto& datagram : datagrams) {
      const auto view = media::RtpPacketView::parse(datagram);
      std::size_t s = 0;
      while (s < kPublishers.size() && (!view || view->ssrc() != subscriberSsrc(u, s))) {
        ++s;
      }
      if (s == kPublishers.size()) {
        ++unexpected;
        continue;
      }
      Reception& reception = receptions[u][s];
      ++reception.received;
      const auto payload = view->payload();
      if (payload.size() != kPayloadBytes) {
        ++reception.corrupted;
        continue;
      }
      const std::uint32_t sequence = media::loadBe32(payload, 4);
      const auto expected = payloadOf(s, sequence);
      // The rewriter maps a stream by a fixed offset (RtpStreamRewriter), gaps included.
      if (!std::equal(payload.begin(), payload.end(), expected.begin()) ||
          view->sequenceNumber() != static_cast<std::uint16_t>(kFirstSequence + sequence)) {
        ++reception.corrupted;
      }
      if (static_cast<std::int64_t>(sequence) <= reception.lastSequence) {
        ++reception.outOfOrder;
      }
      reception.lastSequence = sequence;
    }
  };
  const auto driveAll = [&](std::chrono::milliseconds wait) {
    for (auto& publisher : publishers) {
      publisher->drive(std::chrono::milliseconds(0));
      publisher->client().takeRtcp();
    }
    for (std::size_t u = 0; u < subscribers.size(); ++u) {
      subscribers[u]->drive(wait);
      collect(u);
      subscribers[u]->client().takeRtcp();
    }
  };

  const auto started = Clock::now();
  std::uint32_t refused = 0;  // packets the publishers' clients could not protect
  for (std::uint32_t first = 0; first < kPackets; first += kBurst) {
    for (std::size_t s = 0; s < kPublishers.size(); ++s) {
      for (std::uint32_t sequence = first; sequence < first + kBurst; ++sequence) {
        refused += publishers[s]->client().sendRtp(rtpPacket(s, sequence)) ? 0 : 1;
      }
    }
    driveAll(std::chrono::milliseconds(0));
    std::this_thread::yield();
  }
  const auto total = [&] {
    std::uint64_t sum = 0;
    for (const auto& streams : receptions) {
      for (const Reception& reception : streams) {
        sum += reception.received;
      }
    }
    return sum;
  };
  const auto deadline = Clock::now() + kDeadline;
  auto lastGrowth = Clock::now();
  for (std::uint64_t seen = total();
       Clock::now() - lastGrowth < kQuiet && Clock::now() < deadline;) {
    driveAll(std::chrono::milliseconds(1));
    if (const std::uint64_t now = total(); now != seen) {
      seen = now;
      lastGrowth = Clock::now();
    }
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(lastGrowth - started);
  pool.stop();

  EXPECT_EQ(refused, 0U);
  EXPECT_EQ(unexpected, 0U);
  std::uint64_t drops = 0;
  for (std::size_t u = 0; u < kSubscribers.size(); ++u) {
    const Shard& subscriberShard = pool.shardFor(kSubscribers[u]);
    EXPECT_EQ(subscribers[u]->client().rejectedSrtp(), 0U) << "subscriber " << u;
    for (std::size_t s = 0; s < kPublishers.size(); ++s) {
      const Shard& publisherShard = pool.shardFor(kPublishers[s].transport);
      // Every place a packet of stream s on its way to subscriber u may be dropped, counted.
      // The counters are per shard, not per stream, so they bound what is missing.
      std::uint64_t accounted = dropped(publisherShard, media::DropReason::kSocketOverflow) +
                                dropped(publisherShard, media::DropReason::kPoolExhausted) +
                                subscriberShard.routerCounters().poolExhausted.value() +
                                dropped(subscriberShard, media::DropReason::kSendFailed) +
                                subscribers[u]->kernelDrops();
      if (&publisherShard != &subscriberShard) {
        accounted += publisherShard.routerCounters().ringFull.value() +
                     publisherShard.routerCounters().poolExhausted.value();
      }
      drops += accounted;
      const Reception& reception = receptions[u][s];
      const std::string pair = "subscriber " + std::to_string(u) + ", stream " + std::to_string(s);
      EXPECT_LE(reception.received, kPackets) << pair;
      EXPECT_GE(reception.received + accounted, kPackets) << pair << ": missing, not counted";
      EXPECT_EQ(reception.outOfOrder, 0U) << pair;
      EXPECT_EQ(reception.corrupted, 0U) << pair;
    }
  }

  // Reported, not asserted: what was dropped, and how long delivery took.
  for (std::size_t i = 0; i < kShards; ++i) {
    const Shard& shard = pool.shard(i);
    const std::string prefix = "shard" + std::to_string(i) + "_";
    RecordProperty(prefix + "socket_overflow",
                   std::to_string(dropped(shard, media::DropReason::kSocketOverflow)));
    RecordProperty(prefix + "pool_exhausted",
                   std::to_string(dropped(shard, media::DropReason::kPoolExhausted)));
    RecordProperty(prefix + "send_failed",
                   std::to_string(dropped(shard, media::DropReason::kSendFailed)));
    RecordProperty(prefix + "router_ring_full",
                   std::to_string(shard.routerCounters().ringFull.value()));
    RecordProperty(prefix + "router_pool_exhausted",
                   std::to_string(shard.routerCounters().poolExhausted.value()));
    RecordProperty(prefix + "forwarded", std::to_string(shard.routerCounters().forwarded.value()));
  }
  for (std::size_t u = 0; u < kSubscribers.size(); ++u) {
    RecordProperty("subscriber" + std::to_string(u) + "_kernel_drops",
                   std::to_string(subscribers[u]->kernelDrops()));
  }
  RecordProperty("accounted_drops", std::to_string(drops));
  RecordProperty("delivery_ms", std::to_string(elapsed.count()));
}

}  // namespace
}  // namespace chorus::server
