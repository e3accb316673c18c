// STUN on the packet path: an ICE-lite server parses and checks every connectivity check and
// consent refresh, and answers each with a signed success response.
#include <array>
#include <cstdint>

#include <benchmark/benchmark.h>

#include "media/wire/StunMessage.h"
#include "media/wire/StunMessageBuilder.h"
#include "tests/unit/media/StunTestVectors.h"

namespace {

using chorus::media::SocketAddress;
using chorus::media::StunIntegrityKey;
using chorus::media::StunMessage;
using chorus::media::StunMessageBuilder;
namespace test = chorus::media::test;

std::span<const std::uint8_t> passwordBytes() {
  return {reinterpret_cast<const std::uint8_t*>(test::kRfc5769Password.data()),
          test::kRfc5769Password.size()};
}

// The RFC 5769 §2.1 request: parse, MESSAGE-INTEGRITY with the agent's prepared key, FINGERPRINT.
void stunParseAndVerifyRequest(benchmark::State& state) {
  const StunIntegrityKey key(test::kRfc5769Password);
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    const auto result = StunMessage::parse(test::kRfc5769Request);
    const bool valid = result.message && result.message->verifyIntegrity(key) &&
                       result.message->verifyFingerprint();
    benchmark::DoNotOptimize(valid);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(stunParseAndVerifyRequest);

// The same with the key given as bytes, so the HMAC key schedule is redone per message.
void stunParseAndVerifyRequestWithRawKey(benchmark::State& state) {
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    const auto result = StunMessage::parse(test::kRfc5769Request);
    const bool valid = result.message && result.message->verifyIntegrity(passwordBytes()) &&
                       result.message->verifyFingerprint();
    benchmark::DoNotOptimize(valid);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(stunParseAndVerifyRequestWithRawKey);

// Parsing alone, to separate the attribute walk from the crypto.
void stunParseRequest(benchmark::State& state) {
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    benchmark::DoNotOptimize(StunMessage::parse(test::kRfc5769Request));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(stunParseRequest);

// The two checks apart, on an already parsed request.
void stunVerifyIntegrity(benchmark::State& state) {
  const StunIntegrityKey key(test::kRfc5769Password);
  const auto message = StunMessage::parse(test::kRfc5769Request).message.value();
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    benchmark::DoNotOptimize(message.verifyIntegrity(key));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(stunVerifyIntegrity);

void stunVerifyFingerprint(benchmark::State& state) {
  const auto message = StunMessage::parse(test::kRfc5769Request).message.value();
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    benchmark::DoNotOptimize(message.verifyFingerprint());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(stunVerifyFingerprint);

// The answer to a check: XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY, FINGERPRINT.
void stunBuildSuccessResponse(benchmark::State& state) {
  const StunIntegrityKey key(test::kRfc5769Password);
  const auto mapped = SocketAddress::ipv4(test::kRfc5769MappedIpv4, test::kRfc5769MappedPort);
  std::array<std::uint8_t, 1500> buffer{};
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    benchmark::DoNotOptimize(StunMessageBuilder::bindingSuccessResponse(
        buffer, test::kRfc5769TransactionId, mapped, key));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(stunBuildSuccessResponse);

}  // namespace
