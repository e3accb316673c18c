// The packet path allocates nothing: after warm-up, a shard receives, classifies, counts and
// drops datagrams, and answers ICE checks over TCP, without a single call to operator new on
// its thread. This binary replaces the global operator new with one that counts calls per
// thread.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include "media/security/DtlsCertificate.h"
#include "media/wire/StunMessageBuilder.h"
#include "server/net/IceTcpListener.h"
#include "server/shard/ShardPool.h"

namespace {
thread_local std::uint64_t allocationsOnThisThread = 0;
}  // namespace

void* operator new(std::size_t size) {
  ++allocationsOnThisThread;
  if (void* memory = std::malloc(size == 0 ? 1 : size)) {  // NOLINT(*-no-malloc)
    return memory;
  }
  throw std::bad_alloc();
}
void operator delete(void* memory) noexcept {
  std::free(memory);
}  // NOLINT(*-no-malloc)
void operator delete(void* memory, std::size_t /*size*/) noexcept {
  std::free(memory);  // NOLINT(*-no-malloc)
}

namespace chorus::server {
namespace {
namespace asio = boost::asio;

// One DTLS certificate for every shard in this binary, as chorusd has one per process.
const media::DtlsCertificate& certificate() {
  static const media::DtlsCertificate kCertificate =
      *media::DtlsCertificate::generate(std::chrono::system_clock::now());
  return kCertificate;
}

// Reads the shard thread's allocation count by running a read on that thread.
std::uint64_t allocationsOnShard(Shard& shard) {
  std::promise<std::uint64_t> count;
  auto future = count.get_future();
  asio::post(shard.context(), [&count] { count.set_value(allocationsOnThisThread); });
  return future.get();
}

// Sends `bursts` bursts of 50 RTP-looking datagrams, each burst small enough for the socket's
// receive buffer, and waits (bounded) until the shard has counted every one.
void sendAndWait(Shard& shard, asio::ip::udp::socket& socket, int bursts) {
  constexpr int kBurst = 50;
  constexpr std::size_t kSize = 100;
  const std::string rtp = "\x80\x60" + std::string(kSize - 2, 'r');  // RTP, payload type 96
  const auto& received = shard.counters().bytesReceived;
  for (int burst = 0; burst < bursts; ++burst) {
    const std::uint64_t expected = received.value() + kBurst * kSize;
    for (int i = 0; i < kBurst; ++i) {
      socket.send_to(asio::buffer(rtp), shard.mediaEndpoint());
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (received.value() < expected && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    ASSERT_EQ(received.value(), expected);
  }
}

TEST(ShardAllocationTest, ReceivingDatagramsAllocatesNothingOnTheShardThread) {
  Config config;
  config.media.portBase = 0;
  ShardPool pool(config, 1, certificate());
  pool.start();
  Shard& shard = pool.shard(0);
  asio::io_context client;
  asio::ip::udp::socket socket(client, asio::ip::udp::endpoint(asio::ip::udp::v4(), 0));

  sendAndWait(shard, socket, 2);  // warm-up: Asio's per-thread handler memory cache fills
  const std::uint64_t before = allocationsOnShard(shard);
  sendAndWait(shard, socket, 100);
  const std::uint64_t after = allocationsOnShard(shard);
  EXPECT_EQ(after - before, 0U) << "allocations on the shard thread for 5000 datagrams";
  EXPECT_EQ(
      shard.counters().datagramsReceived[static_cast<std::size_t>(media::PacketKind::kRtp)].value(),
      5100U);
  pool.stop();
}

// Waits, bounded, for a counter written by the shard thread to reach `expected`.
bool eventually(const media::RelaxedCounter& counter, std::uint64_t expected) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (counter.value() < expected && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  return counter.value() == expected;
}

// One ICE-TCP round trip: a framed, signed check out, the framed response back.
void checkOverTcp(asio::ip::tcp::socket& client, const std::vector<std::uint8_t>& check) {
  asio::write(client, asio::buffer(check));
  std::array<std::uint8_t, 2> length{};
  asio::read(client, asio::buffer(length));
  std::vector<std::uint8_t> response((std::size_t{length[0]} << 8) | length[1]);
  asio::read(client, asio::buffer(response));
}

// Over ICE-TCP the shard reads frames into pool packets, routes them as datagrams, and writes
// the answers through the connection's send ring: after warm-up, no allocation either.
TEST(ShardAllocationTest, IceTcpChecksAndAnswersAllocateNothingOnTheShardThread) {
  Config config;
  config.media.portBase = 0;
  ShardPool pool(config, 1, certificate());
  pool.start();
  Shard& shard = pool.shard(0);
  media::WebRtcTransportConfig transport;
  transport.localIce = media::IceCredentials::generate();
  std::promise<void> added;
  asio::post(shard.context(), [&] {
    shard.addTransport(1, transport);
    added.set_value();
  });
  added.get_future().get();

  asio::io_context control;
  auto work = asio::make_work_guard(control);
  IceTcpListener listener(control, {asio::ip::make_address("127.0.0.1"), 0}, pool,
                          IceTcpListener::Limits{});
  listener.start();
  std::thread controlThread([&control] { control.run(); });

  std::vector<std::uint8_t> check(2 + media::PacketSlot::kCapacity);
  const std::string username = transport.localIce.ufrag + ":peer";
  media::StunBindingRequestFields fields;
  fields.username = username;
  fields.priority = 1;
  fields.tieBreaker = 7;
  const auto size = media::StunMessageBuilder::bindingRequest(
      std::span(check).subspan(2), fields,
      media::StunIntegrityKey(std::string_view(transport.localIce.pwd)));
  check.resize(2 + size.value());
  media::writeFrameLength(std::span(check).first<2>(), *size);

  asio::io_context clientContext;
  asio::ip::tcp::socket client(clientContext);
  client.connect(listener.localEndpoint());
  for (int i = 0; i < 50; ++i) {  // warm-up: the first check binds the address, Asio's caches fill
    checkOverTcp(client, check);
  }
  // A write's completion may run just after the client has read its bytes: wait for it.
  ASSERT_TRUE(eventually(shard.counters().datagramsSent, 50));
  const std::uint64_t before = allocationsOnShard(shard);
  for (int i = 0; i < 1000; ++i) {
    checkOverTcp(client, check);
  }
  ASSERT_TRUE(eventually(shard.counters().datagramsSent, 1050));
  const std::uint64_t after = allocationsOnShard(shard);
  EXPECT_EQ(after - before, 0U) << "allocations on the shard thread for 1000 ICE-TCP checks";

  control.stop();
  controlThread.join();
  pool.stop();
}

}  // namespace
}  // namespace chorus::server
