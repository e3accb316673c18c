#pragma once

// What the Router tests share: a builder for RTP packets with RFC 8285 one-byte extensions, a
// way to hand such a packet to a router in a pool slot, a RouterSink that records what the
// router sends, and routers on several "shards" connected as ShardPool connects them.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "media/routing/RetransmissionBuffer.h"
#include "media/routing/Router.h"
#include "media/routing/ShardLink.h"
#include "media/wire/ByteOrder.h"
#include "media/wire/PacketPool.h"

namespace chorus::media::testing {

// One RFC 8285 one-byte header extension element: id 1-14, a value of 1-16 bytes.
struct TestExtension {
  std::uint8_t id = 0;
  std::vector<std::uint8_t> value;
};

struct TestRtp {
  std::uint32_t ssrc = 0;
  std::uint16_t sequenceNumber = 0;
  std::uint32_t timestamp = 0;
  std::uint8_t payloadType = 96;
  std::vector<TestExtension> extensions;
  std::vector<std::uint8_t> payload;
};

// RFC 3550 §5.1 fixed header, then (if any extensions) an RFC 8285 §4.2 one-byte extension
// block padded to whole words, then the payload.
inline std::vector<std::uint8_t> buildRtp(const TestRtp& rtp) {
  std::vector<std::uint8_t> elements;
  for (const TestExtension& extension : rtp.extensions) {
    elements.push_back(
        static_cast<std::uint8_t>((extension.id << 4U) | (extension.value.size() - 1)));
    elements.insert(elements.end(), extension.value.begin(), extension.value.end());
  }
  elements.resize((elements.size() + 3) / 4 * 4, 0);
  const bool hasExtension = !rtp.extensions.empty();
  std::vector<std::uint8_t> packet(12 + (hasExtension ? 4 + elements.size() : 0));
  packet[0] = hasExtension ? 0x90 : 0x80;
  packet[1] = rtp.payloadType;
  storeBe16(packet, 2, rtp.sequenceNumber);
  storeBe32(packet, 4, rtp.timestamp);
  storeBe32(packet, 8, rtp.ssrc);
  if (hasExtension) {
    storeBe16(packet, 12, 0xBEDE);
    storeBe16(packet, 14, static_cast<std::uint16_t>(elements.size() / 4));
    std::copy(elements.begin(), elements.end(), packet.begin() + 16);
  }
  packet.insert(packet.end(), rtp.payload.begin(), rtp.payload.end());
  return packet;
}

// A payload that names its stream and source sequence number in every byte.
inline std::uint8_t payloadByte(StreamKey stream, std::uint16_t sequenceNumber, std::size_t at) {
  return static_cast<std::uint8_t>(stream * 31U + sequenceNumber * 7U + at);
}
inline std::vector<std::uint8_t> payloadFor(StreamKey stream, std::uint16_t sequenceNumber,
                                            std::size_t size = 40) {
  std::vector<std::uint8_t> payload(size);
  for (std::size_t i = 0; i < payload.size(); ++i) {
    payload[i] = payloadByte(stream, sequenceNumber, i);
  }
  return payload;
}

// A publisher in a multi-shard test: its stream, transport and shard, and the numbers its
// packets carry.
struct TestPublisher {
  StreamKey stream = 0;
  TransportKey transport = 0;
  std::size_t shard = 0;
  std::uint32_t ssrc = 0;
  std::uint16_t firstSequence = 0;
  bool video = false;
};

// `bytes` in a slot of `pool`, as a shard's receive path hands a decrypted packet to its router.
inline PacketRef packetIn(PacketPool& pool, std::span<const std::uint8_t> bytes) {
  PacketRef packet = pool.acquire();
  std::copy(bytes.begin(), bytes.end(), packet->bytes.begin());
  packet->length = bytes.size();
  return packet;
}

// A shard's side of the router, recording instead of sending: every RTP and RTCP packet by
// transport (the slot goes straight back to the pool, as after a real send), and the wakes.
class RecordingRouterSink final : public RouterSink {
 public:
  using Packets = std::vector<std::vector<std::uint8_t>>;

  explicit RecordingRouterSink(PacketPool& pool) : pool_(pool) {}

  PacketRef allocatePacket() override {
    if (refusals_ > 0) {
      --refusals_;
      return {};
    }
    return pool_.acquire();
  }
  void sendRtp(TransportKey transport, PacketRef packet) override {
    const auto bytes = packet->data();
    rtp_[transport].emplace_back(bytes.begin(), bytes.end());
  }
  void sendRtcp(TransportKey transport, PacketRef packet) override {
    const auto bytes = packet->data();
    rtcp_[transport].emplace_back(bytes.begin(), bytes.end());
  }
  void wake(std::size_t peer) override { ++wakes_[peer]; }

  // The next `count` allocations fail, as from an exhausted pool.
  void refuseAllocations(std::size_t count) { refusals_ = count; }

  const Packets& rtp(TransportKey transport) { return rtp_[transport]; }
  const Packets& rtcp(TransportKey transport) { return rtcp_[transport]; }
  std::size_t wakes(std::size_t peer) { return wakes_[peer]; }
  std::size_t rtpCount() const {
    std::size_t count = 0;
    for (const auto& [transport, packets] : rtp_) {
      count += packets.size();
    }
    return count;
  }

 private:
  PacketPool& pool_;
  std::size_t refusals_ = 0;
  std::map<TransportKey, Packets> rtp_;
  std::map<TransportKey, Packets> rtcp_;
  std::map<std::size_t, std::size_t> wakes_;
};

// One shard's share of the routing: its pool, its side of the wire (a Sink made from the pool),
// its router.
template <typename Sink>
struct TestShard {
  TestShard(std::size_t index, std::size_t poolSlots)
      : pool(poolSlots), sink(pool), router(index, pool, sink) {}
  PacketPool pool;
  Sink sink;
  Router router;
};

// Shards connected pairwise, as ShardPool connects them: link (from, to) carries from's lent
// packets to `to` and their returns back. Sink::rtpCount() says how many packets it sent.
template <typename Sink>
class ShardMesh {
 public:
  ShardMesh(std::size_t shards, std::size_t poolSlots) : links_(shards * shards) {
    for (std::size_t index = 0; index < shards; ++index) {
      shards_.push_back(std::make_unique<TestShard<Sink>>(index, poolSlots));
    }
    for (std::size_t from = 0; from < shards; ++from) {
      for (std::size_t to = 0; to < shards; ++to) {
        if (from != to) {
          links_[from * shards + to] = std::make_unique<ShardLink>();
        }
      }
    }
    for (std::size_t from = 0; from < shards; ++from) {
      for (std::size_t to = 0; to < shards; ++to) {
        if (from != to) {
          shards_[from]->router.connect(to, *links_[from * shards + to],
                                        *links_[to * shards + from]);
        }
      }
    }
  }

  TestShard<Sink>& shard(std::size_t index) { return *shards_[index]; }
  std::size_t size() const { return shards_.size(); }

  // What ShardTransports::subscribe does: the publisher's shard counts a subscriber on the
  // subscriber's shard, which adds the subscription.
  void subscribe(const SubscriptionSpec& spec, std::size_t subscriberShard,
                 std::uint16_t firstSequence, std::uint32_t firstTimestamp, Router::TimePoint now) {
    if (spec.publisherShard != subscriberShard) {
      shard(spec.publisherShard).router.addRemoteSubscriber(spec.stream, subscriberShard);
    }
    shard(subscriberShard).router.addSubscription(spec, firstSequence, firstTimestamp, now);
  }

  // Drains every router until two passes in a row change nothing: a slot returned in one pass
  // is taken back by its owner in the next at the latest.
  void drainUntilQuiet(Router::TimePoint now) {
    int quietPasses = 0;
    for (int pass = 0; pass < 1000 && quietPasses < 2; ++pass) {
      const std::size_t before = progress();
      for (auto& each : shards_) {
        each->router.drain(now);
      }
      quietPasses = progress() == before ? quietPasses + 1 : 0;
    }
    ASSERT_EQ(quietPasses, 2) << "the routers never went quiet";
  }

  // Ticks every router past the retransmission buffers' age, so they let go of every slot they
  // keep, then drains.
  void releaseKept(Router::TimePoint now) {
    const Router::TimePoint later =
        now + RetransmissionBuffer::kMaxAge + std::chrono::milliseconds(1);
    for (auto& each : shards_) {
      each->router.tick(later);
    }
    drainUntilQuiet(later);
  }

  void expectPoolsFull() {
    for (std::size_t index = 0; index < shards_.size(); ++index) {
      EXPECT_EQ(shard(index).pool.available(), shard(index).pool.capacity())
          << "shard " << index << " has slots out";
    }
  }

 private:
  std::size_t progress() {
    std::size_t total = 0;
    for (auto& each : shards_) {
      total += each->sink.rtpCount() + each->pool.available();
    }
    return total;
  }

  std::vector<std::unique_ptr<TestShard<Sink>>> shards_;
  std::vector<std::unique_ptr<ShardLink>> links_;
};

}  // namespace chorus::media::testing
