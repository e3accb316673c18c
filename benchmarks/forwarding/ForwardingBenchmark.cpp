// Forwarding through running shards over loopback UDP (issue 6, "Performance"): what the
// micro-benchmarks leave out (system calls, wake-ups, a second thread) measured end to end in
// one process. A publisher and S subscribers are WebRtcTestClients on their own loopback sockets,
// connected to real shards with ICE and DTLS-SRTP; the publisher sends 1200-byte video packets
// and each subscriber's socket stamps arrivals in the kernel (SO_TIMESTAMPNS).
//
// One run, three measures:
//  - capacity: the publisher sends as fast as the benchmark thread can for a second; the one
//    shard's packets forwarded per CPU-second of its thread is what a core can forward.
//  - latency at half that capacity: the publisher paced at capacity / 2 / S packets per second;
//    the delay of each packet at each subscriber is its kernel arrival time minus the time just
//    before the publisher protected and sent it, so it includes the client's protect, two
//    loopback traversals and the shard's receive, unprotect, routing, protect and send.
//  - spread: the same room at the same rate with its subscribers on two shards (the publisher's
//    and another), alternating with the one-shard room in half-second chunks so both see the same
//    neighbours on the machine; spreadShare = forwarded per CPU-second of the shard threads with
//    two shards ÷ with one.
// The subscribers read the outgoing sequence number from the clear RTP header (RFC 3711 §3.1:
// SRTP leaves the header unencrypted) and do not decrypt: the benchmark thread must stay
// cheaper than the shard it loads. docs/benchmarks.md, "Forwarding through running shards".
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <poll.h>
#include <span>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <vector>

#include <benchmark/benchmark.h>

#include "media/routing/Router.h"
#include "media/wire/ByteOrder.h"
#include "server/shard/ShardPool.h"
#include "tests/unit/server/LoopbackWebRtcClient.h"
#include "tests/unit/server/ShardTestSupport.h"

namespace chorus::server {
namespace {

using testing::connectedBrowser;
using testing::onShard;
using testing::serverCertificate;
using Clock = std::chrono::steady_clock;
using std::chrono::nanoseconds;

constexpr std::size_t kPacketSize = 1200;
constexpr std::size_t kRtpHeaderSize = 12;
constexpr std::uint8_t kVideoPayloadType = 96;
constexpr std::uint16_t kFirstSequence = 1000;
constexpr media::StreamKey kStream = 1;
constexpr std::uint32_t kPublisherSsrc = 0x5EED0001;
// Transport ids pick their shard (id % shards): the publisher on shard 0, the subscribers
// alternating between the shards.
constexpr TransportId kPublisher = 100;
constexpr TransportId kFirstSubscriber = 101;
// Room for a second of arrivals at the highest rates here, should the benchmark thread fall
// behind.
constexpr std::size_t kSubscriberBuffer = std::size_t{8} * 1024 * 1024;
constexpr std::size_t kReceiveBatch = 64;
constexpr nanoseconds kCapacityRun = std::chrono::seconds(1);
constexpr nanoseconds kChunk = std::chrono::milliseconds(500);
constexpr int kChunks = 4;
constexpr nanoseconds kQuiet = std::chrono::milliseconds(100);

nanoseconds threadCpuTime() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return std::chrono::seconds(now.tv_sec) + nanoseconds(now.tv_nsec);
}

// SO_TIMESTAMPNS stamps arrivals with CLOCK_REALTIME, so send times are taken on it too.
std::int64_t realtimeNs() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
  return static_cast<std::int64_t>(now.tv_sec) * kNanosPerSecond + now.tv_nsec;
}

// What a stretch of sending measured.
struct Measured {
  std::uint64_t sent = 0;       // packets the publisher sent
  std::uint64_t received = 0;   // packets the subscribers received, all together
  std::uint64_t forwarded = 0;  // the shards' forwarded counters
  nanoseconds shardCpu{};       // CPU time of the shard threads
  nanoseconds wall{};
  std::vector<std::int64_t> delaysNs;

  void add(const Measured& other) {
    sent += other.sent;
    received += other.received;
    forwarded += other.forwarded;
    shardCpu += other.shardCpu;
    wall += other.wall;
    delaysNs.insert(delaysNs.end(), other.delaysNs.begin(), other.delaysNs.end());
  }
  double forwardedPerCpuSecond() const {
    return static_cast<double>(forwarded) / std::chrono::duration<double>(shardCpu).count();
  }
  double percentileUs(double fraction) {
    if (delaysNs.empty()) {
      return 0;
    }
    const auto at = static_cast<std::size_t>(fraction * static_cast<double>(delaysNs.size() - 1));
    std::nth_element(delaysNs.begin(), delaysNs.begin() + static_cast<std::ptrdiff_t>(at),
                     delaysNs.end());
    return static_cast<double>(delaysNs[at]) / 1000.0;
  }
};

// One room: a publisher and S subscribers, over `shards` shards.
class Room {
 public:
  Room(unsigned shards, std::size_t subscribers)
      : pool_(testing::anyPortsConfig(), shards, serverCertificate()) {
    pool_.start();
    publisher_ = connectedBrowser(pool_.shardFor(kPublisher), kPublisher);
    for (std::size_t i = 0; i < subscribers; ++i) {
      const TransportId id = kFirstSubscriber + i;
      subscribers_.push_back(connectedBrowser(pool_.shardFor(id), id, kSubscriberBuffer));
      const int enable = 1;
      ::setsockopt(subscribers_.back()->socketHandle(), SOL_SOCKET, SO_TIMESTAMPNS, &enable,
                   sizeof(enable));
    }
    route();
    packet_.resize(kPacketSize);
    packet_[0] = 0x80;  // RFC 3550 §5.1: V=2
    packet_[1] = kVideoPayloadType;
    media::storeBe32(packet_, 8, kPublisherSsrc);
  }
  Room(const Room&) = delete;
  Room& operator=(const Room&) = delete;
  Room(Room&&) = delete;
  Room& operator=(Room&&) = delete;
  ~Room() { pool_.stop(); }

  bool connected() const {
    return publisher_->client().connected() &&
           std::all_of(subscribers_.begin(), subscribers_.end(),
                       [](const auto& subscriber) { return subscriber->client().connected(); });
  }
  std::size_t subscribers() const { return subscribers_.size(); }

  // Takes and forgets what is still queued (in the shard's socket, its rings, the subscribers'
  // sockets) until nothing has arrived for a while, so a run starts on an idle room.
  void settle() {
    Measured discarded;
    auto quietSince = Clock::now();
    for (std::uint64_t seen = 0; Clock::now() - quietSince < kQuiet;) {
      receiveAll(discarded);
      if (discarded.received != seen) {
        seen = discarded.received;
        quietSince = Clock::now();
      }
    }
  }

  // Sends for `duration`, one packet every `interval` (zero: as fast as this thread can), taking
  // what arrives as it goes, then what is still on its way.
  Measured run(nanoseconds duration, nanoseconds interval) {
    Measured measured;
    const std::uint64_t forwardedBefore = forwarded();
    const nanoseconds cpuBefore = shardCpu();
    const auto started = Clock::now();
    const auto end = started + duration;
    auto nextSend = started;
    for (auto now = started; now < end; now = Clock::now()) {
      if (now >= nextSend) {
        send();
        ++measured.sent;
        nextSend += interval;
      } else {
        awaitArrival(nextSend - now);
      }
      receiveAll(measured);
    }
    // Whatever is still in flight: a millisecond is ample at these delays.
    for (const auto drained = Clock::now() + std::chrono::milliseconds(2);
         Clock::now() < drained;) {
      receiveAll(measured);
    }
    measured.wall = Clock::now() - started;
    measured.forwarded = forwarded() - forwardedBefore;
    measured.shardCpu = shardCpu() - cpuBefore;
    return measured;
  }

 private:
  // The routes RoomRegistry::syncRoutes would install: the stream on the publisher's shard,
  // told which other shards have subscribers, and a subscription per subscriber on its own.
  void route() {
    Shard& publisherShard = pool_.shardFor(kPublisher);
    onShard(publisherShard, [&] {
      publisherShard.router().addPublishedStream({.key = kStream,
                                                  .publisher = kPublisher,
                                                  .video = true,
                                                  .clockRate = 90'000,
                                                  .ssrc = kPublisherSsrc,
                                                  .payloadType = kVideoPayloadType});
      for (std::size_t i = 0; i < subscribers_.size(); ++i) {
        const std::size_t peer = pool_.shardFor(kFirstSubscriber + i).index();
        if (peer != publisherShard.index()) {
          publisherShard.router().addRemoteSubscriber(kStream, peer);
        }
      }
    });
    for (std::size_t i = 0; i < subscribers_.size(); ++i) {
      Shard& shard = pool_.shardFor(kFirstSubscriber + i);
      onShard(shard, [&] {
        media::SubscriptionSpec subscription;
        subscription.stream = kStream;
        subscription.publisherShard = publisherShard.index();
        subscription.subscriber = kFirstSubscriber + i;
        subscription.video = true;
        subscription.clockRate = 90'000;
        subscription.ssrc = 0x5000U + static_cast<std::uint32_t>(i);
        subscription.payloadType = kVideoPayloadType;
        shard.router().addSubscription(subscription, kFirstSequence, 0, Clock::now());
      });
    }
  }

  void send() {
    media::storeBe16(packet_, 2, sequence_);
    media::storeBe32(packet_, 4, static_cast<std::uint32_t>(sequence_) * 3000U);
    sentAt_[sequence_] = realtimeNs();
    publisher_->client().sendRtp(packet_);
    ++sequence_;
  }

  // Sleeps until a subscriber has something to read or `limit` has passed, so that between
  // paced sends this thread leaves the cores to the shards.
  void awaitArrival(Clock::duration limit) {
    pollDescriptors_.clear();
    for (const auto& subscriber : subscribers_) {
      pollDescriptors_.push_back({subscriber->socketHandle(), POLLIN, 0});
    }
    const auto wait = std::chrono::duration_cast<nanoseconds>(limit);
    const timespec timeout{static_cast<time_t>(wait.count() / 1'000'000'000),
                           static_cast<long>(wait.count() % 1'000'000'000)};
    ::ppoll(pollDescriptors_.data(), pollDescriptors_.size(), &timeout, nullptr);
  }

  void receiveAll(Measured& measured) {
    for (const auto& subscriber : subscribers_) {
      receive(subscriber->socketHandle(), measured);
    }
  }

  // Everything waiting on one subscriber's socket, without decrypting: the RTP header is clear,
  // and the rewriter numbers the subscriber's stream at a fixed offset from the publisher's.
  void receive(int socket, Measured& measured) {
    for (;;) {
      std::array<mmsghdr, kReceiveBatch> messages{};
      for (std::size_t i = 0; i < kReceiveBatch; ++i) {
        vectors_[i] = {buffers_[i].data(), buffers_[i].size()};
        messages[i].msg_hdr.msg_iov = &vectors_[i];
        messages[i].msg_hdr.msg_iovlen = 1;
        messages[i].msg_hdr.msg_control = controls_[i].data();
        messages[i].msg_hdr.msg_controllen = controls_[i].size();
      }
      const int count = ::recvmmsg(socket, messages.data(), kReceiveBatch, MSG_DONTWAIT, nullptr);
      if (count <= 0) {
        return;
      }
      for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
        record(std::span(buffers_[i]).first(messages[i].msg_len), messages[i].msg_hdr, measured);
      }
      if (static_cast<std::size_t>(count) < kReceiveBatch) {
        return;
      }
    }
  }

  void record(std::span<const std::uint8_t> datagram, msghdr& header, Measured& measured) {
    // RTP of the forwarded stream (RFC 5761 §4: RTCP packet types 192-223 in the second octet).
    if (datagram.size() < kRtpHeaderSize || (datagram[1] & 0x7FU) != kVideoPayloadType) {
      return;
    }
    const auto source = static_cast<std::uint16_t>(media::loadBe16(datagram, 2) - kFirstSequence);
    for (cmsghdr* control = CMSG_FIRSTHDR(&header); control != nullptr;
         control = CMSG_NXTHDR(&header, control)) {
      if (control->cmsg_level == SOL_SOCKET && control->cmsg_type == SO_TIMESTAMPNS) {
        timespec arrival{};
        std::memcpy(&arrival, CMSG_DATA(control), sizeof(arrival));
        constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
        const std::int64_t arrivedNs =
            static_cast<std::int64_t>(arrival.tv_sec) * kNanosPerSecond + arrival.tv_nsec;
        measured.delaysNs.push_back(arrivedNs - sentAt_[source]);
      }
    }
    ++measured.received;
  }

  std::uint64_t forwarded() const {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < pool_.size(); ++i) {
      sum += pool_.shard(i).routerCounters().forwarded.value();
    }
    return sum;
  }

  nanoseconds shardCpu() {
    nanoseconds sum{};
    for (std::size_t i = 0; i < pool_.size(); ++i) {
      sum += onShard(pool_.shard(i), [] { return threadCpuTime(); });
    }
    return sum;
  }

  ShardPool pool_;
  std::unique_ptr<LoopbackWebRtcClient> publisher_;
  std::vector<std::unique_ptr<LoopbackWebRtcClient>> subscribers_;
  std::vector<std::uint8_t> packet_;
  std::vector<pollfd> pollDescriptors_;
  std::uint16_t sequence_ = 0;
  // When each of the last 2^16 packets was sent, by its sequence number: it wraps after seconds,
  // and a packet is delivered within milliseconds.
  std::array<std::int64_t, 65536> sentAt_{};
  std::array<std::array<std::uint8_t, 2048>, kReceiveBatch> buffers_{};
  std::array<iovec, kReceiveBatch> vectors_{};
  std::array<std::array<std::uint8_t, CMSG_SPACE(sizeof(timespec))>, kReceiveBatch> controls_{};
};

void forwardingThroughShards(benchmark::State& state) {
  const auto subscribers = static_cast<std::size_t>(state.range(0));
  // Sleeps between paced sends end when asked, not up to 50 µs later (the default slack).
  ::prctl(PR_SET_TIMERSLACK, 1UL);
  auto oneShard = std::make_unique<Room>(1, subscribers);
  auto twoShards = std::make_unique<Room>(2, subscribers);
  if (!oneShard->connected() || !twoShards->connected()) {
    state.SkipWithError("a client did not connect");
    return;
  }
  for (auto _ : state) {
    Measured capacity = oneShard->run(kCapacityRun, nanoseconds(0));
    oneShard->settle();
    const double perCore = capacity.forwardedPerCpuSecond();
    // Half of what a core forwards, as packets in from the publisher.
    const nanoseconds interval(
        static_cast<std::int64_t>(1e9 * static_cast<double>(subscribers) / (perCore / 2)));
    Measured one;
    Measured two;
    for (int chunk = 0; chunk < kChunks; ++chunk) {
      one.add(oneShard->run(kChunk, interval));
      oneShard->settle();
      two.add(twoShards->run(kChunk, interval));
      twoShards->settle();
    }
    state.counters["capacity_fwd_per_cpu_s"] = perCore;
    state.counters["capacity_shard_busy"] = std::chrono::duration<double>(capacity.shardCpu) /
                                            std::chrono::duration<double>(capacity.wall);
    state.counters["half_rate_in_pps"] = 1e9 / static_cast<double>(interval.count());
    state.counters["half_shard_busy"] =
        std::chrono::duration<double>(one.shardCpu) / std::chrono::duration<double>(one.wall);
    state.counters["half_loss_permille"] =
        1000.0 *
        (1.0 - static_cast<double>(one.received) / static_cast<double>(one.sent * subscribers));
    state.counters["half_p50_us"] = one.percentileUs(0.50);
    state.counters["half_p99_us"] = one.percentileUs(0.99);
    state.counters["half_max_us"] = one.percentileUs(1.0);
    state.counters["spread_p99_us"] = two.percentileUs(0.99);
    state.counters["spread_loss_permille"] =
        1000.0 *
        (1.0 - static_cast<double>(two.received) / static_cast<double>(two.sent * subscribers));
    state.counters["spreadShare"] = two.forwardedPerCpuSecond() / one.forwardedPerCpuSecond();
  }
}
BENCHMARK(forwardingThroughShards)
    ->Arg(4)
    ->Arg(16)
    ->Arg(64)
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace chorus::server
