#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <openssl/types.h>

#include "media/security/DtlsFingerprint.h"
#include "media/security/OpensslPtr.h"
#include "media/security/SrtpProfile.h"

namespace chorus::media {

class DtlsCertificate;

// RFC 5763 §5: the side whose SDP says a=setup:active is the DTLS client. The peer announcing
// setup:active makes us the server, setup:passive makes us the client.
enum class DtlsRole : std::uint8_t { kServer, kClient };

// Why a handshake or connection ended badly; one counter per reason.
enum class DtlsFailure : std::uint8_t {
  kFingerprintMismatch,  // the peer's certificate is not the one its SDP announced
  kHandshakeTimeout,     // not done within DtlsEndpointConfig::handshakeTimeout, or OpenSSL
                         // gave up after its 12 retransmissions
  kNoSrtpProfile,        // handshake done, but no common use_srtp profile (RFC 5764 §4.1.2)
  kPeerAlert,            // the peer sent a fatal alert
  kProtocolError,        // we aborted: malformed or unexpected handshake, failed crypto
};
inline constexpr std::size_t kDtlsFailureCount = 5;

std::string_view toString(DtlsFailure failure) noexcept;

enum class DtlsState : std::uint8_t { kNew, kConnecting, kConnected, kFailed, kClosed };

// What became of a datagram handed to DtlsEndpoint::onDatagram.
enum class DtlsDatagramResult : std::uint8_t {
  kProcessed,  // given to DTLS (which silently drops records it cannot authenticate, RFC 6347
               // §4.1.2.7)
  kNotDtls,    // not a DTLS record by its first byte or length (RFC 7983 §7, RFC 6347 §4.1)
  kInactive,   // the endpoint is not started, failed or closed
};

// Events of one endpoint. Called from inside the endpoint's methods, after its datagrams are
// sent; an observer must not destroy the endpoint from inside a callback.
class DtlsObserver {
 public:
  virtual ~DtlsObserver() = default;
  virtual void onDtlsConnected(const SrtpKeyMaterial& keys) = 0;
  virtual void onDtlsFailed(DtlsFailure reason) = 0;
  // The peer sent close_notify (RFC 5246 §7.2.1).
  virtual void onDtlsClosed() = 0;
};

// Where the endpoint's datagrams go; the transport owns the socket and the peer's address.
class DtlsDatagramSink {
 public:
  virtual ~DtlsDatagramSink() = default;
  virtual void sendDtls(std::span<const std::uint8_t> datagram) = 0;
};

struct DtlsEndpointConfig {
  // RFC 6347 §4.2.4.1: retransmit after 1 s, doubling each time, up to 60 s.
  std::chrono::milliseconds initialRetransmitTimeout{1000};
  std::chrono::milliseconds maxRetransmitTimeout{60000};
  // Give up on a handshake that has not completed by then.
  std::chrono::milliseconds handshakeTimeout{30000};
  // Largest datagram we send: what fits a 1280-byte IPv6 minimum MTU after IP, UDP and a
  // possible TURN channel header.
  std::size_t mtu = 1200;
};

// Our preference when the peer leaves the choice to us: AEAD GCM first (RFC 7714), then the
// profile every WebRTC stack must offer (RFC 8827 §6.5).
inline constexpr std::array<SrtpProfile, 3> kDefaultSrtpProfiles{
    SrtpProfile::kAeadAes128Gcm, SrtpProfile::kAeadAes256Gcm, SrtpProfile::kAes128CmSha1Tag80};

// DTLS 1.2 with the use_srtp extension (RFC 5764) for one WebRTC transport, over memory BIOs:
// datagrams come in through onDatagram and go out through the sink, time comes in as `now`.
// The result is SRTP key material, or a failure reason.
//
// Retransmission (RFC 6347 §4.2.4): the owner's timer drives it through nextTimeout() and
// onTimeout(). OpenSSL 3.0 has no clock hook for DTLS: it keeps its own retransmission deadline
// in gettimeofday() time and checks it whenever it reads, so the endpoint sets that deadline's
// length (DTLS_set_timer_cb) to the one it schedules itself, and the two expire together; see
// the note in DtlsEndpoint.cpp.
//
// One shard's object: not thread-safe. Not movable (OpenSSL holds a pointer to it).
class DtlsEndpoint {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  DtlsEndpoint(const DtlsCertificate& certificate, DtlsRole role,
               const DtlsFingerprint& peerFingerprint, DtlsObserver& observer,
               DtlsDatagramSink& sink, std::span<const SrtpProfile> profiles = kDefaultSrtpProfiles,
               const DtlsEndpointConfig& config = {});
  ~DtlsEndpoint();
  DtlsEndpoint(const DtlsEndpoint&) = delete;
  DtlsEndpoint& operator=(const DtlsEndpoint&) = delete;

  // Begins the handshake: a client sends its ClientHello, a server waits for one. The handshake
  // timeout counts from here.
  void start(TimePoint now);

  DtlsDatagramResult onDatagram(std::span<const std::uint8_t> datagram, TimePoint now);

  // When the owner should call onTimeout next; empty when nothing is pending.
  std::optional<TimePoint> nextTimeout() const noexcept;
  void onTimeout(TimePoint now);

  // Sends close_notify if connected, and stops. No observer call: the owner asked for it.
  void close();

  DtlsState state() const noexcept { return state_; }
  DtlsRole role() const noexcept { return role_; }

 private:
  static unsigned int onOpensslTimerStart(SSL* ssl, unsigned int previousUs);
  static int onVerifyPeer(int preverified, X509_STORE_CTX* store);
  static void onOpensslInfo(const SSL* ssl, int where, int value);

  void continueHandshake();
  void finishHandshake();
  void readRecords();
  void fail(DtlsFailure reason);
  DtlsFailure classifyError() const noexcept;
  void syncRetransmitTimer() noexcept;
  void flushOutgoing();

  DtlsRole role_;
  DtlsFingerprint peerFingerprint_;
  DtlsObserver& observer_;
  DtlsDatagramSink& sink_;
  DtlsEndpointConfig config_;
  SslPtr ssl_;
  BIO* incoming_ = nullptr;  // owned by ssl_
  BIO* outgoing_ = nullptr;  // owned by ssl_

  DtlsState state_ = DtlsState::kNew;
  TimePoint now_{};
  std::optional<TimePoint> handshakeDeadline_;
  std::optional<TimePoint> retransmitAt_;
  bool fingerprintMismatch_ = false;
  bool peerSentFatalAlert_ = false;
};

}  // namespace chorus::media
