// The first decision on the packet path: which protocol a datagram is (RFC 7983).
#include <array>
#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#include "media/wire/PacketKind.h"

namespace {

// A mix like a video call's: mostly RTP, some RTCP, a few STUN consent checks and DTLS.
std::vector<std::vector<std::uint8_t>> callMix() {
  std::vector<std::vector<std::uint8_t>> mix;
  for (int i = 0; i < 64; ++i) {
    std::vector<std::uint8_t> packet(1200, 0);
    packet[0] = 0x80;
    packet[1] = 96;
    if (i % 8 == 0) {
      packet[1] = 201;  // RTCP receiver report
    } else if (i % 31 == 0) {
      packet[0] = 0x00;  // STUN
    } else if (i % 63 == 0) {
      packet[0] = 23;  // DTLS application data
    }
    mix.push_back(std::move(packet));
  }
  return mix;
}

void classifyCallMix(benchmark::State& state) {
  const auto mix = callMix();
  std::size_t index = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    const auto& packet = mix[index++ % mix.size()];
    benchmark::DoNotOptimize(chorus::media::classifyPacket(packet));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(classifyCallMix);

}  // namespace
