#include "media/security/DtlsEndpoint.h"

#include <algorithm>
#include <climits>
#include <string>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "media/security/DtlsCertificate.h"
#include "media/wire/ByteOrder.h"
#include "media/wire/PacketKind.h"

// NOTE: how retransmission is driven, and why this way (OpenSSL 3.0, ssl/d1_lib.c and
// ssl/record/rec_layer_d1.c).
//
// OpenSSL keeps one retransmission deadline per connection, `next_timeout`, in gettimeofday()
// time: set to now + duration when a flight is sent, cleared when the peer's next flight is
// complete. The duration is 1 s doubling, or what the DTLS_set_timer_cb callback returns: it is
// asked with 0 when a flight starts and with the previous duration after each expiry. The
// deadline counts as expired when less than 15 ms remain. It is checked in two places:
// DTLSv1_handle_timeout(), and inside every read (dtls1_read_bytes checks it before each record
// and retransmits when it has expired, then checks again). There is no hook to supply the
// current time (BoringSSL has SSL_CTX_set_current_time_cb; OpenSSL has none for DTLS).
//
// So a callback returning a tiny duration, to make "expired" true whenever the owner calls
// onTimeout, does not work: the read that follows the flight in the same SSL_do_handshake call
// sees the deadline expired at once, retransmits, sees it expired again, and loops until
// OpenSSL's limit of 12 timeouts fails the handshake. And a long duration never expires.
//
// What the endpoint does: it decides each duration itself (RFC 6347 §4.2.4.1: initial value,
// doubling, a ceiling), returns it from the callback, and schedules its own deadline `now_` +
// duration, `now_` being the owner's time of the call in which OpenSSL started the timer. Both
// clocks advance at the same rate, so the two deadlines agree to within the time between the
// owner reading its clock and OpenSSL reading gettimeofday() (microseconds; OpenSSL's 15 ms
// tolerance absorbs it). At the owner's deadline, onTimeout calls DTLSv1_handle_timeout(); in
// the rare case OpenSSL's deadline is still ahead, the endpoint re-arms for the time OpenSSL
// reports left. A read after OpenSSL's deadline but before the owner's timer fires retransmits
// early by those microseconds: the callback then moves the endpoint's deadline with it.
//
// Measured with a callback returning 1 us: the client's start() alone emitted 13 ClientHellos
// and failed with SSL_R_READ_TIMEOUT_EXPIRED.
//
// Tests run both clocks from one fake clock: the unit-test binary replaces gettimeofday()
// (tests/unit/media/FakeWallClock.cpp), so retransmission is deterministic there.

namespace chorus::media {
namespace {

// RFC 5764 §4.2: the exporter label for DTLS-SRTP keying material.
constexpr std::string_view kExporterLabel = "EXTRACTOR-dtls_srtp";

// RFC 6347 §4.1: type(1) version(2) epoch(2) sequence_number(6) length(2).
constexpr std::size_t kRecordHeaderSize = 13;
constexpr std::size_t kRecordLengthOffset = 11;

// OpenSSL takes the timer duration as unsigned microseconds; keep well inside that range.
constexpr std::chrono::microseconds kLongestOpensslTimer = std::chrono::hours(1);

// Enough for a DTLS record of application data at our MTU; larger ones are read in pieces.
constexpr std::size_t kReadChunkSize = 2048;

std::optional<SrtpProfile> srtpProfileOf(unsigned long id) noexcept {
  switch (id) {
    case SRTP_AES128_CM_SHA1_80:
      return SrtpProfile::kAes128CmSha1Tag80;
    case SRTP_AEAD_AES_128_GCM:
      return SrtpProfile::kAeadAes128Gcm;
    case SRTP_AEAD_AES_256_GCM:
      return SrtpProfile::kAeadAes256Gcm;
    default:
      return std::nullopt;
  }
}

std::string useSrtpProfileList(std::span<const SrtpProfile> profiles) {
  std::string list;
  for (const auto profile : profiles) {
    if (!list.empty()) {
      list.push_back(':');
    }
    list.append(opensslNameOf(profile));
  }
  return list;
}

DtlsEndpoint* endpointOf(const SSL* ssl) noexcept {
  return static_cast<DtlsEndpoint*>(SSL_get_ex_data(ssl, 0));
}

}  // namespace

std::string_view toString(DtlsFailure failure) noexcept {
  switch (failure) {
    case DtlsFailure::kFingerprintMismatch:
      return "fingerprint_mismatch";
    case DtlsFailure::kHandshakeTimeout:
      return "handshake_timeout";
    case DtlsFailure::kNoSrtpProfile:
      return "no_srtp_profile";
    case DtlsFailure::kPeerAlert:
      return "peer_alert";
    case DtlsFailure::kProtocolError:
      return "protocol_error";
  }
  return "protocol_error";
}

DtlsEndpoint::DtlsEndpoint(const DtlsCertificate& certificate, DtlsRole role,
                           const DtlsFingerprint& peerFingerprint, DtlsObserver& observer,
                           DtlsDatagramSink& sink, std::span<const SrtpProfile> profiles,
                           const DtlsEndpointConfig& config)
    : role_(role),
      peerFingerprint_(peerFingerprint),
      observer_(observer),
      sink_(sink),
      config_(config),
      ssl_(SSL_new(certificate.context())) {
  BIO* incoming = BIO_new(BIO_s_mem());
  BIO* outgoing = BIO_new(BIO_s_mem());
  if (!ssl_ || incoming == nullptr || outgoing == nullptr) {
    BIO_free(incoming);
    BIO_free(outgoing);
    ssl_.reset();
    return;
  }
  // An empty memory BIO means "no datagram yet" (retry), not end of stream.
  BIO_set_mem_eof_return(incoming, -1);
  BIO_set_mem_eof_return(outgoing, -1);
  SSL_set_bio(ssl_.get(), incoming, outgoing);
  incoming_ = incoming;
  outgoing_ = outgoing;

  SSL* ssl = ssl_.get();
  SSL_set_ex_data(ssl, 0, this);
  // RFC 5764 §4.1.2: the profiles we offer (client) or accept (server), in preference order.
  // SSL_set_tlsext_use_srtp returns 0 on success.
  const bool configured = !profiles.empty() &&
                          SSL_set_tlsext_use_srtp(ssl, useSrtpProfileList(profiles).c_str()) == 0 &&
                          config_.mtu <= LONG_MAX &&
                          SSL_set_mtu(ssl, static_cast<long>(config_.mtu)) > 0;
  if (!configured) {
    ssl_.reset();
    return;
  }
  DTLS_set_timer_cb(ssl, &DtlsEndpoint::onOpensslTimerStart);
  SSL_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                 &DtlsEndpoint::onVerifyPeer);
  // The peer's certificate is trusted by fingerprint alone; its validity dates do not matter.
  X509_VERIFY_PARAM_set_flags(SSL_get0_param(ssl), X509_V_FLAG_NO_CHECK_TIME);
  SSL_set_info_callback(ssl, &DtlsEndpoint::onOpensslInfo);
  if (role_ == DtlsRole::kServer) {
    SSL_set_accept_state(ssl);
  } else {
    SSL_set_connect_state(ssl);
  }
}

DtlsEndpoint::~DtlsEndpoint() = default;

void DtlsEndpoint::start(TimePoint now) {
  if (state_ != DtlsState::kNew) {
    return;
  }
  now_ = now;
  state_ = DtlsState::kConnecting;
  handshakeDeadline_ = now + config_.handshakeTimeout;
  if (!ssl_) {
    fail(DtlsFailure::kProtocolError);
    return;
  }
  if (role_ == DtlsRole::kClient) {
    continueHandshake();
  }
}

DtlsDatagramResult DtlsEndpoint::onDatagram(std::span<const std::uint8_t> datagram, TimePoint now) {
  if (state_ != DtlsState::kConnecting && state_ != DtlsState::kConnected) {
    return DtlsDatagramResult::kInactive;
  }
  if (classifyPacket(datagram) != PacketKind::kDtls || datagram.size() > INT_MAX) {
    return DtlsDatagramResult::kNotDtls;
  }
  now_ = now;
  BIO_write(incoming_, datagram.data(), static_cast<int>(datagram.size()));
  if (state_ == DtlsState::kConnecting) {
    continueHandshake();
  } else {
    readRecords();
  }
  // OpenSSL reads a whole datagram at once; anything it left (a datagram larger than its read
  // buffer) must not be taken for the start of the next one.
  BIO_reset(incoming_);
  return DtlsDatagramResult::kProcessed;
}

std::optional<DtlsEndpoint::TimePoint> DtlsEndpoint::nextTimeout() const noexcept {
  if (state_ != DtlsState::kConnecting) {
    return std::nullopt;
  }
  if (!retransmitAt_) {
    return handshakeDeadline_;
  }
  return std::min(*retransmitAt_, *handshakeDeadline_);
}

void DtlsEndpoint::onTimeout(TimePoint now) {
  if (state_ != DtlsState::kConnecting) {
    return;
  }
  now_ = now;
  if (now >= *handshakeDeadline_) {
    fail(DtlsFailure::kHandshakeTimeout);
    return;
  }
  if (!retransmitAt_ || now < *retransmitAt_) {
    return;
  }
  ERR_clear_error();
  // Retransmits the last flight and restarts OpenSSL's timer, which calls onOpensslTimerStart.
  const int result = DTLSv1_handle_timeout(ssl_.get());
  if (result < 0) {
    fail(classifyError());
    return;
  }
  if (result == 0) {
    // OpenSSL's deadline is still ahead of the owner's clock, or its timer is not running.
    timeval left{};
    if (DTLSv1_get_timeout(ssl_.get(), &left) == 1) {
      const auto remaining =
          std::chrono::seconds(left.tv_sec) + std::chrono::microseconds(left.tv_usec);
      retransmitAt_ =
          now + std::max<std::chrono::microseconds>(remaining, std::chrono::milliseconds(1));
    } else {
      retransmitAt_.reset();
    }
  }
  flushOutgoing();
}

void DtlsEndpoint::close() {
  if (state_ == DtlsState::kConnected) {
    ERR_clear_error();
    // RFC 5246 §7.2.1: close_notify; we do not wait for the peer's.
    SSL_shutdown(ssl_.get());
    flushOutgoing();
  }
  if (state_ != DtlsState::kFailed) {
    state_ = DtlsState::kClosed;
  }
  retransmitAt_.reset();
}

void DtlsEndpoint::continueHandshake() {
  ERR_clear_error();
  const int result = SSL_do_handshake(ssl_.get());
  if (result == 1) {
    finishHandshake();
    return;
  }
  const int error = SSL_get_error(ssl_.get(), result);
  if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
    syncRetransmitTimer();
    flushOutgoing();
    return;
  }
  if (error == SSL_ERROR_ZERO_RETURN) {
    // close_notify before the handshake finished: the peer gave up on us.
    flushOutgoing();
    state_ = DtlsState::kClosed;
    retransmitAt_.reset();
    observer_.onDtlsClosed();
    return;
  }
  fail(classifyError());
}

void DtlsEndpoint::finishHandshake() {
  retransmitAt_.reset();
  SSL* ssl = ssl_.get();
  // SSL_VERIFY_FAIL_IF_NO_PEER_CERT binds only a server; a client checks here that the
  // certificate it verified by fingerprint really was presented.
  if (SSL_get0_peer_certificate(ssl) == nullptr) {
    fail(DtlsFailure::kFingerprintMismatch);
    return;
  }
  const SRTP_PROTECTION_PROFILE* selected = SSL_get_selected_srtp_profile(ssl);
  const auto profile = selected != nullptr ? srtpProfileOf(selected->id) : std::nullopt;
  if (!profile) {
    // RFC 5764 §4.1.2: without an agreed profile there is no SRTP; tell the peer we are done.
    SSL_shutdown(ssl);
    fail(DtlsFailure::kNoSrtpProfile);
    return;
  }
  // RFC 5764 §4.2: 2 * (key + salt) bytes, laid out as
  //   client_write_SRTP_master_key | server_write_SRTP_master_key |
  //   client_write_SRTP_master_salt | server_write_SRTP_master_salt
  const auto [keyBytes, saltBytes] = sizesOf(*profile);
  std::array<std::uint8_t, 2 * (kMaxSrtpKeyBytes + kMaxSrtpSaltBytes)> exported{};
  const std::size_t exportedBytes = 2 * (keyBytes + saltBytes);
  if (SSL_export_keying_material(ssl, exported.data(), exportedBytes, kExporterLabel.data(),
                                 kExporterLabel.size(), nullptr, 0, 0) != 1) {
    fail(DtlsFailure::kProtocolError);
    return;
  }
  SrtpKeyMaterial keys;
  keys.profile = *profile;
  SrtpMasterKey client;
  SrtpMasterKey server;
  const auto material = std::span(exported);
  std::ranges::copy(material.subspan(0, keyBytes), client.key.begin());
  std::ranges::copy(material.subspan(keyBytes, keyBytes), server.key.begin());
  std::ranges::copy(material.subspan(2 * keyBytes, saltBytes), client.salt.begin());
  std::ranges::copy(material.subspan(2 * keyBytes + saltBytes, saltBytes), server.salt.begin());
  keys.local = role_ == DtlsRole::kClient ? client : server;
  keys.remote = role_ == DtlsRole::kClient ? server : client;
  OPENSSL_cleanse(exported.data(), exported.size());
  OPENSSL_cleanse(&client, sizeof(client));
  OPENSSL_cleanse(&server, sizeof(server));

  state_ = DtlsState::kConnected;
  flushOutgoing();
  observer_.onDtlsConnected(keys);
  OPENSSL_cleanse(&keys, sizeof(keys));
  // Records that followed the peer's Finished in the same datagram.
  if (state_ == DtlsState::kConnected) {
    readRecords();
  }
}

void DtlsEndpoint::readRecords() {
  std::array<std::uint8_t, kReadChunkSize> chunk{};
  for (;;) {
    ERR_clear_error();
    const int result = SSL_read(ssl_.get(), chunk.data(), static_cast<int>(chunk.size()));
    if (result > 0) {
      // Application data (SCTP for data channels) has no consumer yet.
      continue;
    }
    const int error = SSL_get_error(ssl_.get(), result);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      flushOutgoing();
      return;
    }
    if (error == SSL_ERROR_ZERO_RETURN) {
      // RFC 5246 §7.2.1: answer close_notify with our own.
      SSL_shutdown(ssl_.get());
      flushOutgoing();
      state_ = DtlsState::kClosed;
      observer_.onDtlsClosed();
      return;
    }
    fail(classifyError());
    return;
  }
}

void DtlsEndpoint::fail(DtlsFailure reason) {
  state_ = DtlsState::kFailed;
  retransmitAt_.reset();
  if (ssl_) {
    // The alert OpenSSL wrote when it aborted, if any.
    flushOutgoing();
  }
  ERR_clear_error();
  observer_.onDtlsFailed(reason);
}

DtlsFailure DtlsEndpoint::classifyError() const noexcept {
  if (fingerprintMismatch_) {
    return DtlsFailure::kFingerprintMismatch;
  }
  if (peerSentFatalAlert_) {
    return DtlsFailure::kPeerAlert;
  }
  const unsigned long error = ERR_peek_last_error();
  if (ERR_GET_LIB(error) == ERR_LIB_SSL && ERR_GET_REASON(error) == SSL_R_READ_TIMEOUT_EXPIRED) {
    // OpenSSL's own limit of 12 retransmissions, reached before our handshake timeout.
    return DtlsFailure::kHandshakeTimeout;
  }
  return DtlsFailure::kProtocolError;
}

void DtlsEndpoint::syncRetransmitTimer() noexcept {
  // OpenSSL stops its timer when the peer's flight is complete, without telling us.
  timeval left{};
  if (DTLSv1_get_timeout(ssl_.get(), &left) != 1) {
    retransmitAt_.reset();
  }
}

void DtlsEndpoint::flushOutgoing() {
  char* data = nullptr;
  const long size = BIO_get_mem_data(outgoing_, &data);
  if (size <= 0) {
    return;
  }
  const std::span pending(reinterpret_cast<const std::uint8_t*>(data),
                          static_cast<std::size_t>(size));
  // RFC 6347 §4.1.1: a datagram may carry several records. OpenSSL sized every record to fit
  // the MTU, so whole records are packed greedily, a new datagram starting when one would not fit.
  std::size_t datagramStart = 0;
  std::size_t recordStart = 0;
  while (recordStart + kRecordHeaderSize <= pending.size()) {
    const std::size_t recordEnd =
        recordStart + kRecordHeaderSize + loadBe16(pending, recordStart + kRecordLengthOffset);
    if (recordEnd - datagramStart > config_.mtu && recordStart > datagramStart) {
      sink_.sendDtls(pending.subspan(datagramStart, recordStart - datagramStart));
      datagramStart = recordStart;
    }
    recordStart = recordEnd;
  }
  if (datagramStart < pending.size()) {
    sink_.sendDtls(pending.subspan(datagramStart));
  }
  BIO_reset(outgoing_);
}

unsigned int DtlsEndpoint::onOpensslTimerStart(SSL* ssl, unsigned int previousUs) {
  DtlsEndpoint& self = *endpointOf(ssl);
  const auto& config = self.config_;
  const std::chrono::microseconds previous(previousUs);
  // RFC 6347 §4.2.4.1: start at the initial value, double on each expiry, up to a ceiling.
  const std::chrono::microseconds timeout =
      previous.count() == 0
          ? std::chrono::microseconds(config.initialRetransmitTimeout)
          : std::min<std::chrono::microseconds>(2 * previous, config.maxRetransmitTimeout);
  const auto bounded = std::clamp<std::chrono::microseconds>(timeout, std::chrono::milliseconds(1),
                                                             kLongestOpensslTimer);
  self.retransmitAt_ = self.now_ + bounded;
  return static_cast<unsigned int>(bounded.count());
}

int DtlsEndpoint::onVerifyPeer(int /*preverified*/, X509_STORE_CTX* store) {
  const auto* ssl = static_cast<const SSL*>(
      X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  DtlsEndpoint& self = *endpointOf(ssl);
  // RFC 5763 §5 / RFC 8122 §5: the peer is authenticated by the fingerprint its signaling
  // announced, not by a chain; chain errors (self-signed, unknown issuer) are expected. Only
  // the leaf certificate, at depth 0, must match.
  if (X509_STORE_CTX_get_error_depth(store) != 0) {
    return 1;
  }
  const X509* leaf = X509_STORE_CTX_get_current_cert(store);
  const auto fingerprint = leaf != nullptr
                               ? DtlsFingerprint::of(*leaf, self.peerFingerprint_.hashFunction())
                               : std::nullopt;
  if (fingerprint && *fingerprint == self.peerFingerprint_) {
    return 1;
  }
  self.fingerprintMismatch_ = true;
  // Makes OpenSSL send a bad_certificate alert (RFC 5246 §7.2.2).
  X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
  return 0;
}

void DtlsEndpoint::onOpensslInfo(const SSL* ssl, int where, int value) {
  // For alerts, value is (level << 8) | description (RFC 5246 §7.2).
  constexpr int kLevelShift = 8;
  if ((static_cast<unsigned int>(where) & SSL_CB_READ_ALERT) != 0 &&
      (value >> kLevelShift) == SSL3_AL_FATAL) {
    endpointOf(ssl)->peerSentFatalAlert_ = true;
  }
}

}  // namespace chorus::media
