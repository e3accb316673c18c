// A full DTLS 1.2 + use_srtp handshake between two DtlsEndpoints in one thread: ECDHE (X25519)
// and ECDSA P-256 signatures on both sides, as with a browser. The server-side figure is what
// one core spends per joining transport, so 1 / (its time) bounds joins per second per core.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <span>
#include <vector>

#include <benchmark/benchmark.h>

#include "media/security/DtlsCertificate.h"
#include "media/security/DtlsEndpoint.h"

namespace {

using chorus::media::DtlsCertificate;
using chorus::media::DtlsEndpoint;
using chorus::media::DtlsRole;
using Clock = std::chrono::steady_clock;

// CPU time of this thread: the machine is shared, so wall time would count other processes.
std::chrono::nanoseconds threadCpuTime() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

class Queue final : public chorus::media::DtlsDatagramSink {
 public:
  void sendDtls(std::span<const std::uint8_t> datagram) override {
    datagrams.emplace_back(datagram.begin(), datagram.end());
  }
  std::vector<std::vector<std::uint8_t>> datagrams;
};

class Outcome final : public chorus::media::DtlsObserver {
 public:
  void onDtlsConnected(const chorus::media::SrtpKeyMaterial& /*keys*/) override {
    connected = true;
  }
  void onDtlsFailed(chorus::media::DtlsFailure /*reason*/) override {}
  void onDtlsClosed() override {}
  bool connected = false;
};

const DtlsCertificate& certificate(int which) {
  static const auto time = std::chrono::system_clock::now();
  static const auto client = DtlsCertificate::generate(time);
  static const auto server = DtlsCertificate::generate(time);
  return which == 0 ? *client : *server;
}

// Runs one handshake; returns the CPU time spent inside the server endpoint's calls.
std::chrono::nanoseconds handshake() {
  Queue toServer;
  Queue toClient;
  Outcome clientOutcome;
  Outcome serverOutcome;
  const auto now = Clock::now();
  std::chrono::nanoseconds serverTime{};
  DtlsEndpoint client(certificate(0), DtlsRole::kClient, certificate(1).fingerprint(),
                      clientOutcome, toServer);
  auto serverStart = threadCpuTime();
  DtlsEndpoint server(certificate(1), DtlsRole::kServer, certificate(0).fingerprint(),
                      serverOutcome, toClient);
  server.start(now);
  serverTime += threadCpuTime() - serverStart;
  client.start(now);
  while (!toServer.datagrams.empty() || !toClient.datagrams.empty()) {
    serverStart = threadCpuTime();
    for (const auto& datagram : toServer.datagrams) {
      server.onDatagram(datagram, now);
    }
    serverTime += threadCpuTime() - serverStart;
    toServer.datagrams.clear();
    for (const auto& datagram : toClient.datagrams) {
      client.onDatagram(datagram, now);
    }
    toClient.datagrams.clear();
  }
  if (!clientOutcome.connected || !serverOutcome.connected) {
    std::abort();
  }
  return serverTime;
}

void dtlsHandshakeBothSides(benchmark::State& state) {
  certificate(0);
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    benchmark::DoNotOptimize(handshake());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(dtlsHandshakeBothSides)->Unit(benchmark::kMicrosecond);

void dtlsHandshakeServerSide(benchmark::State& state) {
  certificate(0);
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    state.SetIterationTime(std::chrono::duration<double>(handshake()).count());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(dtlsHandshakeServerSide)->UseManualTime()->Unit(benchmark::kMicrosecond);

}  // namespace
