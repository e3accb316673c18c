// The routing core against the transport's single-core limit (issue 6, "Performance"), in one
// run: what forwarding a 1200-byte AEAD_AES_128_GCM video packet to S subscribers costs with
// the transport alone (one SRTP unprotect per packet received, one SRTP protect per packet
// sent) and through media::Router, on one shard and with the room spread over two.
//
// Every benchmark does what a shard does per packet except the system calls: the datagram is
// copied into a pool slot (standing in for recvmmsg), unprotected, routed, and each copy for a
// subscriber is protected under that subscriber's own SrtpSession; sendmmsg is left out in
// all of them but transportUnprotectProtectSend, the limit with the send system call included
// (docs/benchmarks.md, "Sending UDP on loopback", has its cost alone). items_processed
// counts forwarded packets. routerVsTransportPaired runs both paths in the same iteration and
// reports their ratio (routerShare), the figure the issue asks for.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <memory>
#include <netinet/in.h>
#include <span>
#include <sys/socket.h>
#include <vector>

#include <benchmark/benchmark.h>

#include "benchmarks/micro/LoopbackPair.h"
#include "media/routing/Router.h"
#include "media/routing/ShardLink.h"
#include "media/security/SrtpContext.h"
#include "media/security/SrtpSession.h"
#include "media/wire/ByteOrder.h"
#include "media/wire/PacketPool.h"
#include "tests/unit/media/SrtpTestPackets.h"

namespace {

using chorus::media::PacketPool;
using chorus::media::PacketRef;
using chorus::media::PacketSlot;
using chorus::media::PublishedStreamSpec;
using chorus::media::Router;
using chorus::media::RouterSink;
using chorus::media::RtpExtensionIds;
using chorus::media::ShardLink;
using chorus::media::SrtpContext;
using chorus::media::SrtpKeyMaterial;
using chorus::media::SrtpProfile;
using chorus::media::SrtpSession;
using chorus::media::StreamKey;
using chorus::media::SubscriptionSpec;
using chorus::media::TransportKey;
namespace testing = chorus::media::testing;

constexpr SrtpProfile kProfile = SrtpProfile::kAeadAes128Gcm;  // the default DTLS-SRTP profile
constexpr std::size_t kPacketSize = 1200;
constexpr StreamKey kStream = 1;
constexpr TransportKey kPublisher = 1;
constexpr TransportKey kFirstSubscriber = 2;
constexpr std::uint32_t kPublisherSsrc = 0x11223344;
constexpr std::uint8_t kAbsSendTimeId = 2;
constexpr std::uint8_t kTransportCcId = 3;
constexpr std::uint8_t kMidId = 4;
// Sealed ahead, outside the timing: the receiver's replay window needs fresh indices.
constexpr std::size_t kSealedBatch = 4096;
// The shard drains its rings at the end of each receive batch (server/net/UdpEndpoint::kBatch)
// and ticks every 20 ms; the fake clock moves 100 µs per packet (10 000 packets/s in).
constexpr std::size_t kReceiveBatch = 32;
constexpr auto kPacketInterval = std::chrono::microseconds(100);
constexpr std::size_t kPacketsPerTick = 200;
// Room for the retransmission buffer (512 slots), a receive batch and every copy in flight.
constexpr std::size_t kPoolSlots = 2048;

std::size_t subscribersOf(const benchmark::State& state) {
  return static_cast<std::size_t>(state.range(0));
}

SrtpKeyMaterial keysFor(TransportKey transport) {
  const auto seed = static_cast<std::uint8_t>(transport * 2);
  return {kProfile, testing::testMasterKey(seed), testing::testMasterKey(seed + 1)};
}

// A 1200-byte video packet as browsers send it: abs-send-time, the transport-wide sequence
// number and mid as RFC 8285 one-byte extensions.
std::vector<std::uint8_t> videoPacket(std::uint16_t sequenceNumber, std::uint16_t transportCc) {
  std::vector<std::uint8_t> packet{
      0x90, 0x60, 0,    0,    0, 0, 0, 0, 0, 0, 0, 0,  //
      0xbe, 0xde, 0x00, 0x03,                          //
      0x22, 0x3c, 0x9d, 0x71,                          // abs-send-time
      0x31, 0x00, 0x00,                                // transport-cc
      0x40, '0',                                       // mid "0"
      0x00, 0x00, 0x00,                                // padding
  };
  chorus::media::storeBe16(packet, 2, sequenceNumber);
  chorus::media::storeBe32(packet, 4, 3000U * (sequenceNumber / 4U));
  chorus::media::storeBe32(packet, 8, kPublisherSsrc);
  chorus::media::storeBe16(packet, 21, transportCc);
  packet.resize(kPacketSize, 0x5a);
  return testing::withRoom(std::move(packet));
}

// The thread's CPU time: what the paired benchmark below charges each path with.
std::chrono::nanoseconds threadCpuTime() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

// The publisher's side of the wire: its packets, sealed under its key a batch at a time, and
// the server's SRTP session for its transport. A new batch comes with new sessions on both
// sides (sequence numbers go on), so the receiver never sees a replay or a rollover.
class SealedPublisher {
 public:
  SealedPublisher() { seal(); }

  // Copies the next sealed datagram into `buffer` and unprotects it there, as the publisher's
  // transport does; returns the plain length.
  std::size_t receive(benchmark::State& state, std::span<std::uint8_t> buffer) {
    if (next_ == kSealedBatch) {
      state.PauseTiming();
      const auto start = threadCpuTime();
      seal();
      sealingTime_ += threadCpuTime() - start;
      state.ResumeTiming();
    }
    const auto& sealed = batch_[next_];
    std::copy(sealed.begin(), sealed.end(), buffer.begin());
    const auto result = session_->unprotectRtp(buffer, lengths_[next_++]);
    if (!result.ok()) {
      state.SkipWithError("unprotect failed");
    }
    return result.length;
  }

  // CPU time receive() spent sealing new batches: not the server's work.
  std::chrono::nanoseconds sealingTime() const { return sealingTime_; }

 private:
  void seal() {
    const SrtpKeyMaterial keys = keysFor(kPublisher);
    SrtpContext sender(kProfile, keys.remote);
    session_ = std::make_unique<SrtpSession>(keys);
    batch_.clear();
    lengths_.clear();
    for (std::size_t i = 0; i < kSealedBatch; ++i) {
      auto packet = videoPacket(sequenceNumber_++, transportCc_++);
      lengths_.push_back(sender.protectRtp(packet, packet.size() - testing::kSrtpRoom).length);
      batch_.push_back(std::move(packet));
    }
    next_ = 0;
  }

  std::unique_ptr<SrtpSession> session_;
  std::vector<std::vector<std::uint8_t>> batch_;
  std::vector<std::size_t> lengths_;
  std::size_t next_ = 0;
  std::uint16_t sequenceNumber_ = 0;
  std::uint16_t transportCc_ = 0;
  std::chrono::nanoseconds sealingTime_{};
};

// (a) The single-core limit: per packet received one unprotect, then per subscriber a copy of
// the plain packet into a send buffer and one protect. No routing at all. With `send`, each
// protected copy also goes out: queued into a sendmmsg batch of 32 datagrams (a shard's
// UdpEndpoint::kBatch) to a loopback socket, sent when the batch is full, as a shard sends.
class TransportOnly {
 public:
  static constexpr std::size_t kSendBatch = 32;

  TransportOnly(std::size_t subscribers, bool send) : send_(send) {
    for (std::size_t i = 0; i < subscribers; ++i) {
      sessions_.push_back(std::make_unique<SrtpSession>(keysFor(kFirstSubscriber + i)));
    }
    target_ = loopback_.target();
    for (std::size_t i = 0; i < kSendBatch; ++i) {
      vectors_[i].iov_base = sending_[i].data();
      headers_[i].msg_hdr.msg_name = &target_;
      headers_[i].msg_hdr.msg_namelen = sizeof(target_);
      headers_[i].msg_hdr.msg_iov = &vectors_[i];
      headers_[i].msg_hdr.msg_iovlen = 1;
    }
  }

  void receive(benchmark::State& state) {
    const std::size_t length = publisher_.receive(state, received_);
    for (const auto& session : sessions_) {
      std::span<std::uint8_t> buffer = sending_[queued_];
      std::copy(received_.begin(), received_.begin() + static_cast<std::ptrdiff_t>(length),
                buffer.begin());
      vectors_[queued_].iov_len = session->protectRtp(buffer, length).length;
      if (send_ && ++queued_ == kSendBatch) {
        sendmmsg(loopback_.sender(), headers_.data(), kSendBatch, 0);
        queued_ = 0;
      }
    }
    forwarded_ += sessions_.size();
  }

  std::uint64_t forwarded() const { return forwarded_; }
  std::chrono::nanoseconds sealingTime() const { return publisher_.sealingTime(); }

 private:
  bool send_;
  SealedPublisher publisher_;
  std::vector<std::unique_ptr<SrtpSession>> sessions_;
  std::vector<std::uint8_t> received_ = std::vector<std::uint8_t>(PacketSlot::kCapacity);
  std::array<std::array<std::uint8_t, PacketSlot::kCapacity>, kSendBatch> sending_{};
  chorus::bench::LoopbackPair loopback_;
  sockaddr_in target_{};
  std::array<iovec, kSendBatch> vectors_{};
  std::array<mmsghdr, kSendBatch> headers_{};
  std::size_t queued_ = 0;
  std::uint64_t forwarded_ = 0;
};

void transportUnprotectProtect(benchmark::State& state) {
  TransportOnly transport(subscribersOf(state), false);
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    transport.receive(state);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(transport.forwarded()));
}
BENCHMARK(transportUnprotectProtect)->Arg(1)->Arg(4)->Arg(16);

// Issue 8's single-core limit: SRTP unprotect + protect + send per forwarded packet.
void transportUnprotectProtectSend(benchmark::State& state) {
  TransportOnly transport(subscribersOf(state), true);
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    transport.receive(state);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(transport.forwarded()));
}
BENCHMARK(transportUnprotectProtectSend)->Arg(4)->Arg(16);

// A shard's side of the router as WebRtcTransport::protectAndSend does it, minus the send:
// every packet is protected under its transport's session, then its slot goes back to the pool.
class ProtectingSink final : public RouterSink {
 public:
  explicit ProtectingSink(PacketPool& pool) : pool_(pool) {}

  // The session of transport `key`; the benchmark owns it.
  void attach(TransportKey key, SrtpSession& session) {
    sessions_.resize(std::max(sessions_.size(), key + 1), nullptr);
    sessions_[key] = &session;
  }

  PacketRef allocatePacket() override { return pool_.acquire(); }
  void sendRtp(TransportKey transport, PacketRef packet) override {
    benchmark::DoNotOptimize(sessions_[transport]->protectRtp(packet->bytes, packet->length));
  }
  void sendRtcp(TransportKey transport, PacketRef packet) override {
    benchmark::DoNotOptimize(sessions_[transport]->protectRtcp(packet->bytes, packet->length));
  }
  void wake(std::size_t /*peer*/) override {}

 private:
  PacketPool& pool_;
  std::vector<SrtpSession*> sessions_;  // by transport key
};

struct BenchShard {
  explicit BenchShard(std::size_t index)
      : pool(kPoolSlots), sink(pool), router(index, pool, sink) {}
  PacketPool pool;
  ProtectingSink sink;
  Router router;
};

RtpExtensionIds browserExtensions() {
  RtpExtensionIds ids;
  ids.absSendTime = kAbsSendTimeId;
  ids.transportCc = kTransportCcId;
  ids.mid = kMidId;
  return ids;
}

PublishedStreamSpec publishedVideo() {
  PublishedStreamSpec spec;
  spec.key = kStream;
  spec.publisher = kPublisher;
  spec.video = true;
  spec.clockRate = 90000;
  spec.ssrc = kPublisherSsrc;
  spec.payloadType = 96;
  spec.extensions = browserExtensions();
  return spec;
}

SubscriptionSpec subscriptionOf(TransportKey subscriber) {
  SubscriptionSpec spec;
  spec.stream = kStream;
  spec.publisherShard = 0;
  spec.subscriber = subscriber;
  spec.video = true;
  spec.clockRate = 90000;
  spec.ssrc = 0x50000000U + static_cast<std::uint32_t>(subscriber);
  spec.payloadType = 98;
  spec.publisherExtensions = browserExtensions();
  spec.subscriberExtensions = browserExtensions();
  return spec;
}

// The room: one video publisher on shard 0, its subscribers on shard `subscriberShard`.
class Room {
 public:
  Room(std::size_t shards, std::size_t subscriberShard, std::size_t subscribers) {
    for (std::size_t index = 0; index < shards; ++index) {
      shards_.push_back(std::make_unique<BenchShard>(index));
    }
    if (shards == 2) {
      toPeer_ = std::make_unique<ShardLink>();
      fromPeer_ = std::make_unique<ShardLink>();
      shards_[0]->router.connect(1, *toPeer_, *fromPeer_);
      shards_[1]->router.connect(0, *fromPeer_, *toPeer_);
    }
    shards_[0]->router.addPublishedStream(publishedVideo());
    // Its own session for the RTCP sent to the publisher: the one that unprotects is renewed
    // with each sealed batch.
    shards_[0]->sink.attach(kPublisher, publisherFeedback_);
    for (std::size_t i = 0; i < subscribers; ++i) {
      const TransportKey key = kFirstSubscriber + i;
      sessions_.push_back(std::make_unique<SrtpSession>(keysFor(key)));
      BenchShard& shard = *shards_[subscriberShard];
      shard.sink.attach(key, *sessions_.back());
      if (subscriberShard != 0) {
        shards_[0]->router.addRemoteSubscriber(kStream, subscriberShard);
      }
      shard.router.addSubscription(subscriptionOf(key), static_cast<std::uint16_t>(i * 1000U),
                                   static_cast<std::uint32_t>(i), now_);
    }
  }

  // One packet from the publisher through its shard's receive path into its router; every
  // kReceiveBatch packets each shard drains its rings, every kPacketsPerTick it ticks.
  void receive(benchmark::State& state) {
    BenchShard& home = *shards_[0];
    PacketRef packet = home.pool.acquire();
    packet->length = publisher_.receive(state, packet->bytes);
    home.router.onRtp(kPublisher, packet, now_);
    packet.reset();
    now_ += kPacketInterval;
    if (++received_ % kReceiveBatch == 0) {
      for (const auto& shard : shards_) {
        shard->router.drain(now_);
      }
    }
    if (received_ % kPacketsPerTick == 0) {
      for (const auto& shard : shards_) {
        shard->router.tick(now_);
      }
    }
  }

  std::uint64_t forwarded() const {
    std::uint64_t total = 0;
    for (const auto& shard : shards_) {
      total += shard->router.counters().forwarded.value();
    }
    return total;
  }
  std::chrono::nanoseconds sealingTime() const { return publisher_.sealingTime(); }
  std::uint64_t dropped() const {
    std::uint64_t total = 0;
    for (const auto& shard : shards_) {
      const auto& counters = shard->router.counters();
      total += counters.ringFull.value() + counters.poolExhausted.value() +
               counters.duplicate.value() + counters.malformed.value();
    }
    return total;
  }

 private:
  SealedPublisher publisher_;
  SrtpSession publisherFeedback_{keysFor(kPublisher)};
  std::vector<std::unique_ptr<SrtpSession>> sessions_;
  std::vector<std::unique_ptr<BenchShard>> shards_;
  std::unique_ptr<ShardLink> toPeer_;
  std::unique_ptr<ShardLink> fromPeer_;
  Router::TimePoint now_{std::chrono::seconds(1)};
  std::size_t received_ = 0;
};

void expectNoDrops(benchmark::State& state, const Room& room) {
  if (room.dropped() != 0) {
    state.SkipWithError("the router dropped packets");
  }
}

void reportForwarded(benchmark::State& state, const Room& room) {
  state.SetItemsProcessed(static_cast<std::int64_t>(room.forwarded()));
  expectNoDrops(state, room);
}

// (b) The room on one shard: Router::onRtp fans each packet out to S local subscribers.
void routerOneShard(benchmark::State& state) {
  Room room(1, 0, subscribersOf(state));
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    room.receive(state);
  }
  reportForwarded(state, room);
}
BENCHMARK(routerOneShard)->Arg(1)->Arg(4)->Arg(16);

// (c) The same room with its subscribers on a second shard, both routers on this one thread:
// the publisher's router lends each packet through the ShardLink ring, the subscribers' router
// copies it out when it drains, and the slot comes back through the return ring.
void routerTwoShardsOneThread(benchmark::State& state) {
  Room room(2, 1, subscribersOf(state));
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    room.receive(state);
  }
  reportForwarded(state, room);
}
BENCHMARK(routerTwoShardsOneThread)->Arg(1)->Arg(4)->Arg(16);

// (a) against (b) or (c) paired: each iteration sends kPairedChunk packets through the
// transport alone, then as many through the room on range(1) shards, timing each on the
// thread's CPU clock. On a machine shared with other work the two paths then see the same
// neighbours, so their ratio (routerShare: forwarded per CPU-second through the router over
// the transport alone) is steadier than the ratio of two separate benchmarks. The time spent
// sealing the publisher's next batch is taken out of both.
constexpr std::size_t kPairedChunk = 64;

void routerVsTransportPaired(benchmark::State& state) {
  const std::size_t subscribers = subscribersOf(state);
  const auto shards = static_cast<std::size_t>(state.range(1));
  TransportOnly transport(subscribers, false);
  Room room(shards, shards - 1, subscribers);
  std::chrono::nanoseconds transportTime{};
  std::chrono::nanoseconds routerTime{};
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    const auto start = threadCpuTime();
    for (std::size_t i = 0; i < kPairedChunk; ++i) {
      transport.receive(state);
    }
    const auto middle = threadCpuTime();
    for (std::size_t i = 0; i < kPairedChunk; ++i) {
      room.receive(state);
    }
    routerTime += threadCpuTime() - middle;
    transportTime += middle - start;
  }
  expectNoDrops(state, room);
  transportTime -= transport.sealingTime();
  routerTime -= room.sealingTime();
  const auto perForward = [](std::chrono::nanoseconds time, std::uint64_t forwarded) {
    return static_cast<double>(time.count()) / static_cast<double>(forwarded);
  };
  const double transportNs = perForward(transportTime, transport.forwarded());
  const double routerNs = perForward(routerTime, room.forwarded());
  state.counters["transportNsPerForward"] = transportNs;
  state.counters["routerNsPerForward"] = routerNs;
  state.counters["routerShare"] = transportNs / routerNs;
}
BENCHMARK(routerVsTransportPaired)->ArgsProduct({{1, 4, 16}, {1, 2}});

}  // namespace
