// The packet path allocates nothing: after warm-up, a shard receives, classifies, counts and
// drops datagrams, and receives, demultiplexes and unprotects a connected transport's SRTP,
// without a single call to operator new or to OpenSSL's allocator on its thread. This binary
// replaces the global operator new with one that counts calls per thread, and installs counting
// CRYPTO_set_mem_functions hooks, which OpenSSL only accepts before its first allocation: a
// static initialiser installs them.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <new>
#include <string>
#include <thread>
#include <utility>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <openssl/crypto.h>

#include <gtest/gtest.h>

#include "media/security/DtlsCertificate.h"
#include "media/wire/RtcpReceiverReport.h"
#include "server/shard/ShardPool.h"
#include "tests/unit/media/SrtpTestPackets.h"
#include "tests/unit/server/LoopbackWebRtcClient.h"

namespace {
thread_local std::uint64_t allocationsOnThisThread = 0;
thread_local std::uint64_t opensslAllocationsOnThisThread = 0;

// The allocator shims below hand raw memory to OpenSSL and to operator new's callers: owning
// raw pointers are their whole job.
// NOLINTBEGIN(cppcoreguidelines-owning-memory,cppcoreguidelines-no-malloc)
void* countingMalloc(std::size_t size, const char* /*file*/, int /*line*/) {
  ++opensslAllocationsOnThisThread;
  return std::malloc(size);
}
void* countingRealloc(void* memory, std::size_t size, const char* /*file*/, int /*line*/) {
  ++opensslAllocationsOnThisThread;
  return std::realloc(memory, size);
}
void countingFree(void* memory, const char* /*file*/, int /*line*/) {
  std::free(memory);
}

const bool opensslHooksInstalled =
    CRYPTO_set_mem_functions(countingMalloc, countingRealloc, countingFree) == 1;
}  // namespace

void* operator new(std::size_t size) {
  ++allocationsOnThisThread;
  if (void* memory = std::malloc(size == 0 ? 1 : size)) {
    return memory;
  }
  throw std::bad_alloc();
}
void operator delete(void* memory) noexcept {
  std::free(memory);
}
void operator delete(void* memory, std::size_t /*size*/) noexcept {
  std::free(memory);
}
// NOLINTEND(cppcoreguidelines-owning-memory,cppcoreguidelines-no-malloc)

namespace chorus::server {
namespace {
namespace asio = boost::asio;

// One DTLS certificate for every shard in this binary, as chorusd has one per process.
const media::DtlsCertificate& certificate() {
  static const media::DtlsCertificate kCertificate =
      *media::DtlsCertificate::generate(std::chrono::system_clock::now());
  return kCertificate;
}

struct Allocations {
  std::uint64_t operatorNew = 0;
  std::uint64_t openssl = 0;
};

// Reads the shard thread's allocation counts by running a read on that thread.
Allocations allocationsOnShard(Shard& shard) {
  std::promise<Allocations> counts;
  auto future = counts.get_future();
  asio::post(shard.context(), [&counts] {
    counts.set_value({allocationsOnThisThread, opensslAllocationsOnThisThread});
  });
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
  const std::uint64_t before = allocationsOnShard(shard).operatorNew;
  sendAndWait(shard, socket, 100);
  const std::uint64_t after = allocationsOnShard(shard).operatorNew;
  EXPECT_EQ(after - before, 0U) << "allocations on the shard thread for 5000 datagrams";
  EXPECT_EQ(
      shard.counters().datagramsReceived[static_cast<std::size_t>(media::PacketKind::kRtp)].value(),
      5100U);
  pool.stop();
}

const media::DtlsCertificate& browserCertificate() {
  static const media::DtlsCertificate kCertificate =
      *media::DtlsCertificate::generate(std::chrono::system_clock::now(), "browser");
  return kCertificate;
}

// Sends `bursts` bursts of 49 SRTP packets, one SRTCP receiver report and one consent check
// (RFC 7675: a browser keeps checking its selected pair), and waits (bounded) until the shard
// has counted every packet, and the browser has the check's answer.
void sendSrtpAndWait(Shard& shard, LoopbackWebRtcClient& browser, std::uint16_t& seq, int bursts) {
  constexpr int kRtpPerBurst = 49;
  const auto& counters = shard.counters();
  const auto& rtp = counters.datagramsReceived[static_cast<std::size_t>(media::PacketKind::kRtp)];
  const auto& rtcp = counters.datagramsReceived[static_cast<std::size_t>(media::PacketKind::kRtcp)];
  std::vector<std::uint8_t> packet = media::testing::rtpPacket(0xb0b, 0, 1000, 0, true);
  std::array<std::uint8_t, 64> report{};
  const media::RtcpReportBlock block{.ssrc = 0xa11ce};
  const std::size_t reportSize =
      media::RtcpReceiverReport::build(report, 0xb0b, std::span(&block, 1)).value_or(0);
  test::WebRtcTestClient& client = browser.client();
  for (int burst = 0; burst < bursts; ++burst) {
    const std::uint64_t expectedRtp = rtp.value() + kRtpPerBurst;
    const std::uint64_t expectedRtcp = rtcp.value() + 1;
    for (int i = 0; i < kRtpPerBurst; ++i, ++seq) {
      media::storeBe16(packet, 2, seq);
      ASSERT_TRUE(client.sendRtp(packet));
    }
    ASSERT_TRUE(client.sendRtcp(std::span(report).first(reportSize)));
    client.sendCheck(std::chrono::steady_clock::now());
    bool answered = false;
    ASSERT_TRUE(browser.driveUntil([&] {
      answered = answered || !client.takeAnswers().empty();
      return answered && rtp.value() == expectedRtp && rtcp.value() == expectedRtcp;
    }));
  }
}

TEST(ShardAllocationTest, ReceivingAndUnprotectingSrtpAllocatesNothingOnTheShardThread) {
  ASSERT_TRUE(opensslHooksInstalled) << "OpenSSL allocated before the hooks went in";
  Config config;
  config.media.portBase = 0;
  ShardPool pool(config, 1, certificate());
  pool.start();
  Shard& shard = pool.shard(0);

  const media::IceCredentials browserIce = media::IceCredentials::generate();
  media::WebRtcTransportConfig transportConfig;
  transportConfig.localIce = media::IceCredentials::generate();
  transportConfig.remoteUfrag = browserIce.ufrag;
  transportConfig.peerFingerprint = browserCertificate().fingerprint();
  std::promise<void> added;
  asio::post(shard.context(), [&] {
    shard.addTransport(1, transportConfig);
    added.set_value();
  });
  added.get_future().get();
  test::WebRtcTestClientConfig clientConfig;
  clientConfig.localIce = browserIce;
  clientConfig.serverIce = transportConfig.localIce;
  clientConfig.serverFingerprint = certificate().fingerprint();
  LoopbackWebRtcClient browser(clientConfig, browserCertificate(), shard.mediaEndpoint());
  ASSERT_TRUE(browser.connect());

  std::uint16_t seq = 0;
  // Warm-up: Asio's handler memory, the SRTP stream's table slot, OpenSSL's cipher contexts.
  sendSrtpAndWait(shard, browser, seq, 4);
  const Allocations before = allocationsOnShard(shard);
  sendSrtpAndWait(shard, browser, seq, 60);
  const Allocations after = allocationsOnShard(shard);
  EXPECT_EQ(after.operatorNew - before.operatorNew, 0U)
      << "operator new on the shard thread for 2940 SRTP, 60 SRTCP and 60 STUN datagrams";
  EXPECT_EQ(after.openssl - before.openssl, 0U)
      << "OpenSSL allocations on the shard thread for the same";
  EXPECT_GT(before.openssl, 0U) << "the OpenSSL hooks counted nothing during the handshake";
  for (const auto& drops : shard.counters().datagramsDropped) {
    EXPECT_EQ(drops.value(), 0U) << "every packet authenticated and decrypted";
  }
  pool.stop();
}

}  // namespace
}  // namespace chorus::server
