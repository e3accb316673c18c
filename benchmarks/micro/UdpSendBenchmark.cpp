// The physical limit of one core for sending media: 1200-byte datagrams over loopback, one
// sendto per datagram against sendmmsg batches. The forwarding core is later judged against it.
// The receiving socket is never read, so once its buffer is full the kernel drops on delivery;
// the sender's cost (the syscall, the copy, the loopback path) is what is measured.
#include <array>
#include <cstdint>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <vector>

#include <benchmark/benchmark.h>

#include "benchmarks/micro/LoopbackPair.h"

namespace {

using chorus::bench::LoopbackPair;

constexpr std::size_t kPayload = 1200;

void sendtoOnePerCall(benchmark::State& state) {
  const LoopbackPair pair;
  std::array<std::uint8_t, kPayload> payload{};
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    benchmark::DoNotOptimize(sendto(pair.sender(), payload.data(), payload.size(), 0,
                                    reinterpret_cast<const sockaddr*>(&pair.target()),
                                    sizeof(sockaddr_in)));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kPayload));
}
BENCHMARK(sendtoOnePerCall);

void sendmmsgBatch(benchmark::State& state) {
  const LoopbackPair pair;
  const auto batch = static_cast<std::size_t>(state.range(0));
  std::vector<std::array<std::uint8_t, kPayload>> payloads(batch);
  std::vector<iovec> vectors(batch);
  std::vector<mmsghdr> headers(batch);
  sockaddr_in target = pair.target();
  for (std::size_t i = 0; i < batch; ++i) {
    vectors[i] = {payloads[i].data(), kPayload};
    headers[i].msg_hdr.msg_name = &target;
    headers[i].msg_hdr.msg_namelen = sizeof(target);
    headers[i].msg_hdr.msg_iov = &vectors[i];
    headers[i].msg_hdr.msg_iovlen = 1;
  }
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    benchmark::DoNotOptimize(
        sendmmsg(pair.sender(), headers.data(), static_cast<unsigned>(batch), 0));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(batch * kPayload));
}
BENCHMARK(sendmmsgBatch)->Arg(8)->Arg(32)->Arg(64);

// UDP GSO (UDP_SEGMENT, Linux 4.18): one send of N×1200 bytes that the kernel splits into N
// datagrams to the same destination, as a video frame's packets to one subscriber would be.
void sendGsoSegments(benchmark::State& state) {
  const LoopbackPair pair;
  const auto segments = static_cast<std::size_t>(state.range(0));
  const int segmentSize = kPayload;
  if (setsockopt(pair.sender(), SOL_UDP, UDP_SEGMENT, &segmentSize, sizeof(segmentSize)) != 0) {
    state.SkipWithError("UDP_SEGMENT not supported by this kernel");
    return;
  }
  std::vector<std::uint8_t> payload(segments * kPayload);
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    benchmark::DoNotOptimize(sendto(pair.sender(), payload.data(), payload.size(), 0,
                                    reinterpret_cast<const sockaddr*>(&pair.target()),
                                    sizeof(sockaddr_in)));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(segments));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(payload.size()));
}
BENCHMARK(sendGsoSegments)->Arg(8)->Arg(32);

}  // namespace
