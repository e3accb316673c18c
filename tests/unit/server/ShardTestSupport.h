#pragma once

#include <chrono>
#include <cstdint>
#include <thread>

#include "media/security/DtlsCertificate.h"
#include "media/stats/RelaxedCounter.h"
#include "server/config/Config.h"

// What the shard-level tests share: the process's and a browser's DTLS certificates, a config
// whose ports the kernel chooses, and a bounded wait for a counter another thread writes.
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

}  // namespace chorus::server::testing
