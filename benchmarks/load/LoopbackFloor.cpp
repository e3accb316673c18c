#include "benchmarks/load/LoopbackFloor.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "benchmarks/load/ArrivalTime.h"
#include "benchmarks/load/BrowserSdp.h"
#include "benchmarks/load/MediaSink.h"
#include "benchmarks/load/ServerProcess.h"
#include "media/security/SrtpSession.h"
#include "media/stats/PacketCounters.h"
#include "media/wire/PacketKind.h"
#include "media/wire/PacketPool.h"
#include "server/net/UdpEndpoint.h"

namespace chorus::bench {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kTick = 2ms;
constexpr auto kDrain = 1s;
constexpr std::size_t kSocketBufferBytes = std::size_t{1} << 20U;
constexpr std::size_t kSlotsPerSocket = 2 * server::UdpEndpoint::kBatch + 8;

asio::awaitable<void> waitFor(Clock::duration duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::use_awaitable);
}

media::SocketAddress addressOf(const asio::ip::udp::endpoint& endpoint) {
  return media::SocketAddress::ipv4(endpoint.address().to_v4().to_bytes(), endpoint.port());
}

// Every session has the same keys in both directions: the floor measures the path, not DTLS.
media::SrtpKeyMaterial fixedKeys() {
  media::SrtpKeyMaterial keys;
  keys.profile = media::SrtpProfile::kAeadAes128Gcm;
  for (std::size_t i = 0; i < keys.local.key.size(); ++i) {
    keys.local.key[i] = static_cast<std::uint8_t>(i * 7 + 1);
  }
  for (std::size_t i = 0; i < keys.local.salt.size(); ++i) {
    keys.local.salt[i] = static_cast<std::uint8_t>(i * 11 + 3);
  }
  keys.remote = keys.local;
  return keys;
}

struct Shared {
  asio::io_context& io;
  media::PacketPool& pool;
  media::PacketCounters& counters;
};

// One member of a room: its sources and sending socket, and its receiving socket with the
// tracker of what the others send it.
class FloorMember final : private MediaSink, private server::DatagramReceiver {
 public:
  FloorMember(const Shared& shared, const RoomsScenario& scenario, DelayHistogram& delays,
              std::uint32_t index)
      : shared_(shared),
        index_(index),
        sendSrtp_(fixedKeys()),
        receiveSrtp_(fixedKeys()),
        tracker_(delays, scenario.verifyEvery, scenario.delaySource),
        sender_(shared.io, {asio::ip::address_v4::loopback(), 0}, kSocketBufferBytes, shared.pool,
                shared.counters, *this),
        receiver_(shared.io, {asio::ip::address_v4::loopback(), 0}, kSocketBufferBytes, shared.pool,
                  shared.counters, *this),
        audio_(scenario.audio, audioSsrc(index), {index, &transportSequence_}, Clock::now()),
        video_(scenario.video, audioSsrc(index) + 1, {index, &transportSequence_}, Clock::now()) {
    sender_.start();
    receiver_.stampArrivals();
    receiver_.start();
  }

  static std::uint32_t audioSsrc(std::uint32_t index) { return 0x2000'0000U + index * 4; }

  media::SocketAddress address() const { return addressOf(receiver_.localEndpoint()); }

  // Sends to `receiver` (several times for a mesh), which expects this member's streams.
  void sendTo(FloorMember& receiver) {
    peers_.push_back(receiver.address());
    const std::string name = "floor" + std::to_string(index_);
    receiver.tracker_.expect({{audioSsrc(index_), false, name, extension::kAbsSendTime},
                              {audioSsrc(index_) + 1, true, name, extension::kAbsSendTime}});
  }

  void onTick(Clock::time_point now) {
    if (sending_) {
      audio_.sendDue(now, *this);
      video_.sendDue(now, *this);
    }
    sender_.flush();
  }
  void stop() { sending_ = false; }

  const ReceiveTracker& reception() const { return tracker_; }
  std::uint64_t sent(bool video) const {
    return video ? video_.packetsSent() : audio_.packetsSent();
  }
  std::uint64_t sendFailures() const { return sendFailures_; }

 private:
  void sendMedia(std::span<const std::uint8_t> rtp) override {
    std::copy(rtp.begin(), rtp.end(), scratch_.begin());
    const media::SrtpResult result = sendSrtp_.protectRtp(scratch_, rtp.size());
    if (!result.ok()) {
      ++sendFailures_;
      return;
    }
    for (const media::SocketAddress& peer : peers_) {
      media::PacketRef packet = shared_.pool.acquire();
      if (!packet) {
        ++sendFailures_;
        continue;
      }
      std::copy_n(scratch_.begin(), result.length, packet->bytes.begin());
      packet->length = result.length;
      sender_.send(std::move(packet), peer);
    }
  }

  void onDatagram(media::PacketRef& packet, const media::SocketAddress& /*from*/) override {
    const auto bytes = packet->data();
    const auto now = arrivalTime(*packet).time_since_epoch();
    if (media::classifyPacket(bytes) != media::PacketKind::kRtp) {
      return;
    }
    const auto view = media::RtpPacketView::parse(bytes);
    if (!view || !tracker_.onRtp(*view, bytes.size(), now)) {
      return;
    }
    std::copy(bytes.begin(), bytes.end(), scratch_.begin());
    const media::SrtpResult result = receiveSrtp_.unprotectRtp(scratch_, bytes.size());
    if (!result.ok()) {
      return;
    }
    if (const auto clear = media::RtpPacketView::parse(std::span(scratch_).first(result.length))) {
      tracker_.onDecrypted(*clear, now);
    }
  }
  void onBatchEnd() override {}

  const Shared& shared_;
  std::uint32_t index_;
  media::SrtpSession sendSrtp_;
  media::SrtpSession receiveSrtp_;
  ReceiveTracker tracker_;
  server::UdpEndpoint sender_;
  server::UdpEndpoint receiver_;
  std::uint16_t transportSequence_ = 1;
  SyntheticAudioSource audio_;
  SyntheticVideoSource video_;
  std::vector<media::SocketAddress> peers_;
  bool sending_ = true;
  std::uint64_t sendFailures_ = 0;
  std::array<std::uint8_t, media::PacketSlot::kCapacity> scratch_{};
};

}  // namespace

RunResult runLoopbackFloor(const RoomsScenario& scenario, bool pin, bool mesh) {
  RunResult result;
  result.scenario = scenario;
  result.server = mesh ? "none (harness mesh)" : "none (harness pairs)";
  result.pinning = pin && std::thread::hardware_concurrency() >= 2 && pinToCpu(0, 0)
                       ? "harness cpu 0, no server"
                       : "none";
  const unsigned perRoom = scenario.participantsPerRoom;
  const unsigned count = scenario.rooms * perRoom;
  asio::io_context io(1);
  media::PacketPool pool(std::size_t{count} * 2 * kSlotsPerSocket * perRoom + 1024);
  media::PacketCounters counters;
  const Shared shared{io, pool, counters};
  DelayHistogram delays;
  std::vector<std::unique_ptr<FloorMember>> members;
  for (std::uint32_t index = 0; index < count; ++index) {
    members.push_back(std::make_unique<FloorMember>(shared, scenario, delays, index));
  }
  for (unsigned room = 0; room < scenario.rooms; ++room) {
    std::vector<FloorMember*> group;
    for (unsigned member = 0; member < perRoom; ++member) {
      group.push_back(members[room * perRoom + member].get());
    }
    for (unsigned member = 0; member < perRoom; ++member) {
      if (mesh) {
        for (unsigned other = 0; other < perRoom; ++other) {
          if (other != member) {
            group[member]->sendTo(*group[other]);
          }
        }
      } else {
        group[member]->sendTo(*group[(member + 1) % perRoom]);
      }
    }
  }

  const auto totals = [&] {
    StepResult sum;
    for (const auto& member : members) {
      for (const StreamReception& stream : member->reception().streams()) {
        sum.packetsReceived += stream.received;
        sum.bytesReceived += stream.bytes;
        sum.lost += stream.lost();
        sum.duplicates += stream.duplicates;
        sum.reordered += stream.reordered;
        sum.jitterUs += stream.jitterNs / 1000.0;
      }
    }
    return sum;
  };

  bool ticking = true;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer timer(io);
        while (ticking) {
          timer.expires_after(kTick);
          co_await timer.async_wait(asio::use_awaitable);
          for (auto& member : members) {
            member->onTick(Clock::now());
          }
        }
      },
      asio::detached);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        std::printf("[rooms %s floor] %u participants, no server; settling %llds\n",
                    scenario.preset.c_str(), count,
                    static_cast<long long>(scenario.settle.count()));
        co_await waitFor(scenario.settle);
        const StepResult before = totals();
        const auto started = Clock::now();
        delays.clear();
        co_await waitFor(scenario.measure);
        StepResult step = totals();
        step.load = scenario.rooms;
        step.participants = count;
        step.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        step.packetsReceived -= before.packetsReceived;
        step.bytesReceived -= before.bytesReceived;
        step.lost -= before.lost;
        step.duplicates -= before.duplicates;
        step.reordered -= before.reordered;
        const std::size_t streams = std::size_t{count} * 2 * (mesh ? perRoom - 1 : 1);
        step.jitterUs = streams == 0 ? 0 : step.jitterUs / static_cast<double>(streams);
        step.p50Us = delays.percentileUs(0.50);
        step.p90Us = delays.percentileUs(0.90);
        step.p99Us = delays.percentileUs(0.99);
        step.maxUs = delays.maxUs();
        step.delaySamples = delays.count();
        std::printf("[rooms %s floor] %.0f pkt/s, loss %.3f%%, p50 %.0f us, p99 %.0f us\n",
                    scenario.preset.c_str(), step.packetsPerSecond(), step.lossRatio() * 100,
                    step.p50Us, step.p99Us);
        result.steps.push_back(step);
        for (auto& member : members) {
          member->stop();
        }
        co_await waitFor(kDrain);
        ticking = false;
        co_await waitFor(50ms);
        io.stop();
      },
      asio::detached);
  io.run();

  Accounting& sum = result.accounting;
  sum.expectedStreams = count * 2 * (mesh ? perRoom - 1 : 1);
  for (const auto& member : members) {
    sum.sendFailures += member->sendFailures();
    sum.unknownSsrc += member->reception().unknownSsrc();
    for (const StreamReception& stream : member->reception().streams()) {
      sum.receivedStreams += stream.received > 0 ? 1 : 0;
      sum.duplicates += stream.duplicates;
      sum.lost += stream.lost();
      sum.verified += stream.verified;
      sum.probeMismatches += stream.mismatches;
      sum.receivedUnique += stream.unique();
      if (!stream.sender || *stream.sender >= members.size()) {
        continue;
      }
      const std::uint64_t afterStart =
          members[*stream.sender]->sent(stream.video) - *stream.firstProbeSequence;
      sum.sentAfterStart += afterStart;
      sum.unaccounted += afterStart > stream.unique() ? afterStart - stream.unique() : 0;
    }
  }
  return result;
}

}  // namespace chorus::bench
