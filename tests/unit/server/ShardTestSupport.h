#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <future>
#include <memory>
#include <thread>
#include <utility>

#include <boost/asio/post.hpp>

#include "media/security/DtlsCertificate.h"
#include "media/stats/RelaxedCounter.h"
#include "server/config/Config.h"
#include "server/shard/Shard.h"
#include "tests/unit/server/LoopbackWebRtcClient.h"

// What the shard-level tests share: the process's and a browser's DTLS certificates, a config
// whose ports the kernel chooses, a bounded wait for a counter another thread writes, work run
// on a shard's thread, and a browser connected to a transport on a shard.
namespace chorus::server::testing {

// One DTLS certificate for every shard in a test binary, as chorusd has one per process.
inline const media::DtlsCertificate& serverCertificate() {
  static const media::DtlsCertificate kCertificate =
      *media::DtlsCertificate::generate(std::chrono::system_clock::now());
  return kCertificate;
}

inline const media::DtlsCertificate& browserCertificate() {
  static const media::DtlsCertificate kCertificate =
      *media::DtlsCertificate::generate(std::chrono::system_clock::now(), "browser");
  return kCertificate;
}

inline Config anyPortsConfig() {
  Config config;
  config.media.portBase = 0;
  config.media.tcpPort = 0;
  return config;
}

// Waits, at most 10 s, for a counter written by another thread to reach `expected`.
inline bool eventually(const media::RelaxedCounter& counter, std::uint64_t expected) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (counter.value() < expected && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  return counter.value() == expected;
}

// Runs `work` on the shard's thread, as the control plane posts to it, and returns its result.
template <typename Work>
auto onShard(Shard& shard, Work work) {
  std::packaged_task<decltype(work())()> task(std::move(work));
  auto result = task.get_future();
  boost::asio::post(shard.context(), [&task] { task(); });
  return result.get();
}

// A transport `id` on `shard` and a browser on loopback connected to it (ICE, DTLS-SRTP).
// `receiveBufferBytes` sizes the browser's socket buffer; 0 keeps the kernel's default.
inline std::unique_ptr<LoopbackWebRtcClient> connectedBrowser(Shard& shard, TransportId id,
                                                              std::size_t receiveBufferBytes = 0) {
  const media::IceCredentials browserIce = media::IceCredentials::generate();
  media::WebRtcTransportConfig transport;
  transport.localIce = media::IceCredentials::generate();
  transport.remoteUfrag = browserIce.ufrag;
  transport.dtlsRole = media::DtlsRole::kServer;
  transport.peerFingerprint = browserCertificate().fingerprint();
  onShard(shard, [&] { shard.addTransport(id, transport); });
  test::WebRtcTestClientConfig client;
  client.localIce = browserIce;
  client.serverIce = transport.localIce;
  client.dtlsRole = media::DtlsRole::kClient;
  client.serverFingerprint = serverCertificate().fingerprint();
  auto browser = std::make_unique<LoopbackWebRtcClient>(client, browserCertificate(),
                                                        shard.mediaEndpoint(), receiveBufferBytes);
  browser->connect();
  return browser;
}

}  // namespace chorus::server::testing
