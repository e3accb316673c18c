// The conservation test on real threads, one per shard, as the server runs them: each thread
// owns a Router and its pool, publishes its publishers' packets and drains its rings in a loop;
// the only things the threads share are the ShardLinks' lock-free rings. Every packet reaches
// every subscriber once, in order, with the payload unchanged, and every lent slot comes home.
// Run under ThreadSanitizer by `make tsan`, which builds this binary.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "media/routing/Router.h"
#include "media/wire/RtpPacketView.h"
#include "tests/unit/media/RouterTestSupport.h"

namespace chorus::media {
namespace {

using testing::buildRtp;
using testing::packetIn;
using testing::payloadByte;
using testing::payloadFor;
using TimePoint = Router::TimePoint;

const TimePoint kStart{std::chrono::seconds(900)};
constexpr std::uint32_t kClockRate = 48'000;
constexpr std::size_t kPayloadSize = 40;

// A sink that checks each packet a subscription receives as it is sent, on the sending shard's
// thread, and publishes the counts as atomics for the test's thread to watch.
class CheckingSink final : public RouterSink {
 public:
  explicit CheckingSink(PacketPool& pool) : pool_(pool) {}

  // Before the threads start: subscription `outSsrc` carries `stream`, whose source sequence
  // numbers start at sourceFirst, from outgoing sequence number `firstSequence` on.
  void expect(std::uint32_t outSsrc, StreamKey stream, std::uint16_t firstSequence,
              std::uint16_t sourceFirst) {
    expectations_[outSsrc] = std::make_unique<Expectation>(stream, firstSequence, sourceFirst);
  }

  PacketRef allocatePacket() override { return pool_.acquire(); }
  void sendRtp(TransportKey /*transport*/, PacketRef packet) override {
    const auto view = RtpPacketView::parse(packet->data());
    const auto found = view ? expectations_.find(view->ssrc()) : expectations_.end();
    if (found == expectations_.end()) {
      errors_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    Expectation& expected = *found->second;
    const auto payload = view->payload();
    bool intact = view->sequenceNumber() == expected.nextSequence && payload.size() == kPayloadSize;
    for (std::size_t i = 0; intact && i < payload.size(); ++i) {
      intact = payload[i] == payloadByte(expected.stream, expected.nextSourceSequence, i);
    }
    if (!intact) {
      errors_.fetch_add(1, std::memory_order_relaxed);
    }
    ++expected.nextSequence;
    ++expected.nextSourceSequence;
    expected.received.fetch_add(1, std::memory_order_relaxed);
    delivered_.fetch_add(1, std::memory_order_relaxed);
  }
  void sendRtcp(TransportKey /*transport*/, PacketRef /*packet*/) override {}
  void wake(std::size_t /*peer*/) override {}  // every shard's thread drains in a loop

  std::size_t rtpCount() const { return delivered_.load(std::memory_order_relaxed); }
  std::uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }
  std::uint64_t received(std::uint32_t outSsrc) const {
    return expectations_.at(outSsrc)->received.load(std::memory_order_relaxed);
  }

 private:
  struct Expectation {
    Expectation(StreamKey stream, std::uint16_t firstSequence, std::uint16_t sourceFirst)
        : stream(stream), nextSequence(firstSequence), nextSourceSequence(sourceFirst) {}
    StreamKey stream;
    std::uint16_t nextSequence;        // touched by the sending thread only
    std::uint16_t nextSourceSequence;  // likewise
    std::atomic<std::uint64_t> received{0};
  };

  PacketPool& pool_;
  std::map<std::uint32_t, std::unique_ptr<Expectation>> expectations_;  // fixed once running
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> errors_{0};
};

using ThreadShard = testing::TestShard<CheckingSink>;

using Publisher = testing::TestPublisher;

constexpr std::size_t kShards = 3;
constexpr std::size_t kPoolSlots = 2048;
// Slots a thread may have lent and not yet back before it stops publishing for a while: below
// ShardLink::kCapacity, so no ring ever fills and every packet must arrive.
constexpr std::size_t kMaxOutstanding = 512;

// One shard's thread: publishes `packets` packets for each of its publishers, as fast as its
// outstanding slots allow, and drains its rings, until told to stop.
void runShard(ThreadShard& shard, std::span<const Publisher> publishers, std::uint16_t packets,
              const std::atomic<bool>& stop) {
  std::vector<std::uint16_t> sent(publishers.size(), 0);
  TimePoint now = kStart;
  while (!stop.load(std::memory_order_acquire)) {
    bool published = false;
    for (std::size_t i = 0; i < publishers.size(); ++i) {
      const Publisher& publisher = publishers[i];
      if (sent[i] == packets || shard.pool.available() + kMaxOutstanding <= kPoolSlots) {
        continue;
      }
      const auto sequence = static_cast<std::uint16_t>(publisher.firstSequence + sent[i]);
      const std::vector<std::uint8_t> bytes =
          buildRtp({.ssrc = publisher.ssrc,
                    .sequenceNumber = sequence,
                    .timestamp = sent[i] * 960U,
                    .payloadType = 111,
                    .payload = payloadFor(publisher.stream, sequence, kPayloadSize)});
      PacketRef packet = packetIn(shard.pool, bytes);
      shard.router.onRtp(publisher.transport, packet, kStart);
      ++sent[i];
      published = true;
    }
    // Time moves a buffer's age per round that published, so the retransmission buffers let go
    // of the video packets they keep and the slots in use stay a measure of what is lent.
    if (published) {
      now += RetransmissionBuffer::kMaxAge + std::chrono::milliseconds(1);
    }
    shard.router.tick(now);
    std::this_thread::yield();
  }
}

TEST(RouterThreadsTest, EveryPacketCrossesThreadsOnceInOrderAndEverySlotComesHome) {
  constexpr std::size_t kPublishers = 6;
  constexpr std::size_t kSubscribers = 9;
  constexpr std::uint16_t kPackets = 3000;
  testing::ShardMesh<CheckingSink> mesh(kShards, kPoolSlots);

  std::vector<std::vector<Publisher>> publishersOn(kShards);
  std::vector<Publisher> publishers;
  for (std::size_t p = 0; p < kPublishers; ++p) {
    const Publisher publisher{.stream = static_cast<StreamKey>(p + 1),
                              .transport = 100 + p,
                              .shard = p % kShards,
                              .ssrc = 0x1000U + static_cast<std::uint32_t>(p),
                              .firstSequence = static_cast<std::uint16_t>(63000U + p * 100U)};
    mesh.shard(publisher.shard)
        .router.addPublishedStream({.key = publisher.stream,
                                    .publisher = publisher.transport,
                                    .video = p % 2 == 0,
                                    .clockRate = kClockRate,
                                    .ssrc = publisher.ssrc,
                                    .payloadType = 111});
    publishers.push_back(publisher);
    publishersOn[publisher.shard].push_back(publisher);
  }
  struct Delivery {
    std::size_t shard = 0;
    std::uint32_t ssrc = 0;
  };
  std::vector<Delivery> deliveries;
  for (std::size_t s = 0; s < kSubscribers; ++s) {
    const TransportKey subscriber = 1000 + s;
    const std::size_t shard = (s + 1) % kShards;
    for (const std::size_t p : {s % kPublishers, (s + 2) % kPublishers, (s + 4) % kPublishers}) {
      const Publisher& publisher = publishers[p];
      const auto ssrc = static_cast<std::uint32_t>(0x50000000U + s * 16U + p);
      const auto first = static_cast<std::uint16_t>(65000U + s * 37U + p);
      mesh.subscribe({.stream = publisher.stream,
                      .publisherShard = publisher.shard,
                      .subscriber = subscriber,
                      .video = p % 2 == 0,
                      .clockRate = kClockRate,
                      .ssrc = ssrc,
                      .payloadType = 100},
                     shard, first, 0, kStart);
      mesh.shard(shard).sink.expect(ssrc, publisher.stream, first, publisher.firstSequence);
      deliveries.push_back({shard, ssrc});
    }
  }

  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (std::size_t index = 0; index < kShards; ++index) {
    threads.emplace_back(runShard, std::ref(mesh.shard(index)),
                         std::span<const Publisher>(publishersOn[index]), kPackets,
                         std::cref(stop));
  }
  const std::uint64_t expected = deliveries.size() * std::uint64_t{kPackets};
  const auto delivered = [&mesh] {
    std::uint64_t total = 0;
    for (std::size_t index = 0; index < kShards; ++index) {
      total += mesh.shard(index).sink.rtpCount();
    }
    return total;
  };
  // Generous: ThreadSanitizer slows the threads down many times, and the cores are shared.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (delivered() < expected && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  stop.store(true, std::memory_order_release);
  for (std::thread& thread : threads) {
    thread.join();
  }
  ASSERT_EQ(delivered(), expected) << "deliveries missing at the deadline";

  // The threads are gone: this thread now owns the routers, and takes the last slots home.
  mesh.releaseKept(kStart + std::chrono::hours(24 * 365));
  for (const Delivery& delivery : deliveries) {
    EXPECT_EQ(mesh.shard(delivery.shard).sink.received(delivery.ssrc), kPackets);
  }
  for (std::size_t index = 0; index < kShards; ++index) {
    EXPECT_EQ(mesh.shard(index).sink.errors(), 0U) << "out of order, or payload changed";
    const RouterCounters& counters = mesh.shard(index).router.counters();
    EXPECT_EQ(counters.ringFull.value(), 0U);
    EXPECT_EQ(counters.poolExhausted.value(), 0U);
    EXPECT_EQ(counters.duplicate.value(), 0U);
  }
  mesh.expectPoolsFull();
}

}  // namespace
}  // namespace chorus::media
