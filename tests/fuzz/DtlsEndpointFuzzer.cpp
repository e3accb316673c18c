// Datagrams from anyone reach a server-role DtlsEndpoint before any authentication: whatever
// they hold, the endpoint must not crash or leak (ASan/LSan), and what it sends must be whole
// DTLS records in datagrams no larger than its MTU.
//
// Input: a sequence of chunks, each a 2-byte big-endian header and a datagram. The header's
// top bit first advances time by 1 s and fires the endpoint's timer; the other 15 bits are the
// datagram's length (cut to what is left).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "media/security/DtlsCertificate.h"
#include "media/security/DtlsEndpoint.h"
#include "media/wire/ByteOrder.h"
#include "media/wire/PacketKind.h"

namespace {

using chorus::media::DtlsEndpoint;

constexpr std::size_t kMtu = 1200;
constexpr std::size_t kRecordHeaderSize = 13;

void check(bool property) {
  if (!property) {
    std::abort();
  }
}

// Every datagram is DTLS (RFC 7983) and a run of whole records (RFC 6347 §4.1.1).
class CheckingSink final : public chorus::media::DtlsDatagramSink {
 public:
  void sendDtls(std::span<const std::uint8_t> datagram) override {
    check(datagram.size() <= kMtu);
    check(chorus::media::classifyPacket(datagram) == chorus::media::PacketKind::kDtls);
    std::size_t at = 0;
    while (at + kRecordHeaderSize <= datagram.size()) {
      at += kRecordHeaderSize + chorus::media::loadBe16(datagram, at + 11);
    }
    check(at == datagram.size());
  }
};

class CountingObserver final : public chorus::media::DtlsObserver {
 public:
  void onDtlsConnected(const chorus::media::SrtpKeyMaterial& /*keys*/) override { ++events; }
  void onDtlsFailed(chorus::media::DtlsFailure /*reason*/) override { ++events; }
  void onDtlsClosed() override { ++events; }
  int events = 0;
};

const chorus::media::DtlsCertificate& certificate() {
  static const auto made = chorus::media::DtlsCertificate::generate(
      std::chrono::system_clock::time_point(std::chrono::seconds(1'767'225'600)));
  return *made;
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using chorus::media::DtlsDatagramResult;
  using chorus::media::DtlsState;
  const std::span input(data, size);
  const std::array<std::uint8_t, 32> anyDigest{};
  CheckingSink sink;
  CountingObserver observer;
  DtlsEndpoint endpoint(
      certificate(), chorus::media::DtlsRole::kServer,
      chorus::media::DtlsFingerprint(chorus::media::DtlsHashFunction::kSha256, anyDigest), observer,
      sink);
  auto now = DtlsEndpoint::TimePoint{} + std::chrono::hours(1000);
  endpoint.start(now);

  std::size_t at = 0;
  while (at + 2 <= input.size()) {
    const std::uint16_t header = chorus::media::loadBe16(input, at);
    at += 2;
    const std::size_t length = std::min<std::size_t>(header & 0x7fffU, input.size() - at);
    if ((header & 0x8000U) != 0) {
      now += std::chrono::seconds(1);
      endpoint.onTimeout(now);
    }
    const auto datagram = input.subspan(at, length);
    at += length;
    const bool active =
        endpoint.state() == DtlsState::kConnecting || endpoint.state() == DtlsState::kConnected;
    const DtlsDatagramResult result = endpoint.onDatagram(datagram, now);
    if (!active) {
      check(result == DtlsDatagramResult::kInactive);
    } else {
      const bool isDtls =
          chorus::media::classifyPacket(datagram) == chorus::media::PacketKind::kDtls;
      check(result == (isDtls ? DtlsDatagramResult::kProcessed : DtlsDatagramResult::kNotDtls));
    }
    // A timer is pending exactly while the handshake is.
    check(endpoint.nextTimeout().has_value() == (endpoint.state() == DtlsState::kConnecting));
    // One outcome at most, and never success: the announced fingerprint (all zeros) matches no
    // certificate, so nothing can get past the peer check.
    check(observer.events <= 1);
    check(endpoint.state() != DtlsState::kConnected);
  }
  return 0;
}
