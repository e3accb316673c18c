// SRTP protect and unprotect per profile and packet size: ours (OpenSSL 3 EVP, keyed once)
// side by side with Debian's libsrtp2 (built on NSS), on the same packets in the same run.
#include <algorithm>
#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#include "media/security/SrtpContext.h"
#include "tests/unit/media/LibSrtpReference.h"
#include "tests/unit/media/SrtpTestPackets.h"

namespace {

using chorus::media::SrtpContext;
using chorus::media::SrtpProfile;
namespace testing = chorus::media::testing;

// Enough distinct protected packets that unprotect sees fresh indices; when they run out, the
// receiver is recreated (outside the timing) so the replay window starts again.
constexpr std::size_t kBatch = 4096;
constexpr std::uint32_t kSsrc = 0x2a2a2a2a;

SrtpProfile profileOf(const benchmark::State& state) {
  return testing::kAllSrtpProfiles[state.range(0)];
}
std::size_t packetBytes(const benchmark::State& state) {
  return static_cast<std::size_t>(state.range(1));
}

std::vector<std::uint8_t> plainPacket(const benchmark::State& state) {
  return testing::withRoom(testing::rtpPacket(kSsrc, 0, packetBytes(state) - 12));
}

// A batch of protected packets with consecutive sequence numbers, each in its own buffer.
std::vector<std::vector<std::uint8_t>> sealedBatch(SrtpProfile profile,
                                                   std::vector<std::size_t>& lengths,
                                                   std::size_t payload) {
  SrtpContext sender(profile, testing::testMasterKey(1));
  std::vector<std::vector<std::uint8_t>> batch;
  for (std::size_t i = 0; i < kBatch; ++i) {
    auto packet =
        testing::withRoom(testing::rtpPacket(kSsrc, static_cast<std::uint16_t>(i), payload));
    lengths.push_back(sender.protectRtp(packet, packet.size() - testing::kSrtpRoom).length);
    batch.push_back(std::move(packet));
  }
  return batch;
}

void setCounters(benchmark::State& state) {
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(packetBytes(state)));
}

void oursProtect(benchmark::State& state) {
  SrtpContext sender(profileOf(state), testing::testMasterKey(1));
  const auto plain = plainPacket(state);
  auto buffer = plain;
  const std::size_t length = plain.size() - testing::kSrtpRoom;
  std::uint16_t seq = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    std::copy(plain.begin(), plain.end(), buffer.begin());
    chorus::media::storeBe16(buffer, 2, seq++);
    benchmark::DoNotOptimize(sender.protectRtp(buffer, length));
  }
  setCounters(state);
}

void libsrtpProtect(benchmark::State& state) {
  const auto sender =
      testing::libsrtpSession(profileOf(state), testing::testMasterKey(1), ssrc_any_outbound);
  const auto plain = plainPacket(state);
  auto buffer = plain;
  const int length = static_cast<int>(plain.size() - testing::kSrtpRoom);
  std::uint16_t seq = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    std::copy(plain.begin(), plain.end(), buffer.begin());
    chorus::media::storeBe16(buffer, 2, seq++);
    int inOut = length;
    benchmark::DoNotOptimize(srtp_protect(sender.get(), buffer.data(), &inOut));
  }
  setCounters(state);
}

void oursUnprotect(benchmark::State& state) {
  std::vector<std::size_t> lengths;
  const auto batch = sealedBatch(profileOf(state), lengths, packetBytes(state) - 12);
  auto buffer = batch[0];
  auto receiver = std::make_unique<SrtpContext>(profileOf(state), testing::testMasterKey(1));
  std::size_t next = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    if (next == kBatch) {
      state.PauseTiming();
      receiver = std::make_unique<SrtpContext>(profileOf(state), testing::testMasterKey(1));
      next = 0;
      state.ResumeTiming();
    }
    std::copy(batch[next].begin(), batch[next].end(), buffer.begin());
    const auto result = receiver->unprotectRtp(buffer, lengths[next++]);
    if (!result.ok()) {
      state.SkipWithError("unprotect failed");
      break;
    }
  }
  setCounters(state);
}

void libsrtpUnprotect(benchmark::State& state) {
  std::vector<std::size_t> lengths;
  const auto batch = sealedBatch(profileOf(state), lengths, packetBytes(state) - 12);
  auto buffer = batch[0];
  auto receiver =
      testing::libsrtpSession(profileOf(state), testing::testMasterKey(1), ssrc_any_inbound);
  std::size_t next = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    if (next == kBatch) {
      state.PauseTiming();
      receiver =
          testing::libsrtpSession(profileOf(state), testing::testMasterKey(1), ssrc_any_inbound);
      next = 0;
      state.ResumeTiming();
    }
    std::copy(batch[next].begin(), batch[next].end(), buffer.begin());
    int length = static_cast<int>(lengths[next++]);
    if (srtp_unprotect(receiver.get(), buffer.data(), &length) != srtp_err_status_ok) {
      state.SkipWithError("srtp_unprotect failed");
      break;
    }
  }
  setCounters(state);
}

// Arguments: {profile index (0 AES-CM-HMAC-SHA1-80, 1 AES-128-GCM, 2 AES-256-GCM), bytes}.
void srtpArguments(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgNames({"profile", "bytes"});
  for (std::int64_t profile = 0; profile < 3; ++profile) {
    for (const std::int64_t bytes : {200, 1200}) {
      benchmark->Args({profile, bytes});
    }
  }
}

BENCHMARK(oursProtect)->Apply(srtpArguments);
BENCHMARK(libsrtpProtect)->Apply(srtpArguments);
BENCHMARK(oursUnprotect)->Apply(srtpArguments);
BENCHMARK(libsrtpUnprotect)->Apply(srtpArguments);

}  // namespace
