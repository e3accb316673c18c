#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <gtest/gtest.h>

#include "FakeWallClock.h"
#include "media/security/DtlsCertificate.h"
#include "media/security/DtlsEndpoint.h"
#include "media/security/DtlsFingerprint.h"
#include "media/security/OpensslPtr.h"

namespace chorus::media {
namespace {

using namespace std::chrono_literals;
using TimePoint = DtlsEndpoint::TimePoint;
using Datagram = std::vector<std::uint8_t>;

// Far from zero: OpenSSL reads a gettimeofday() of 0 as "no timer".
const TimePoint kStart = TimePoint{} + 1000h;
// 2026-01-01T00:00:00Z
const std::chrono::system_clock::time_point kCertificateTime{std::chrono::seconds(1'767'225'600)};

constexpr int kBadCertificateAlert = 42;  // RFC 5246 §7.2

const DtlsCertificate& ourCertificate() {
  static const auto certificate = DtlsCertificate::generate(kCertificateTime);
  return *certificate;
}

// The transport's side of the endpoint's sink: every datagram sent, in order.
class Wire final : public DtlsDatagramSink {
 public:
  void sendDtls(std::span<const std::uint8_t> datagram) override {
    sent_.emplace_back(datagram.begin(), datagram.end());
    largest_ = std::max(largest_, datagram.size());
  }
  std::vector<Datagram> take() { return std::exchange(sent_, {}); }
  std::size_t largest() const { return largest_; }

 private:
  std::vector<Datagram> sent_;
  std::size_t largest_ = 0;
};

class Events final : public DtlsObserver {
 public:
  void onDtlsConnected(const SrtpKeyMaterial& material) override { keys = material; }
  void onDtlsFailed(DtlsFailure reason) override { failures.push_back(reason); }
  void onDtlsClosed() override { ++closed; }

  std::optional<SrtpKeyMaterial> keys;
  std::vector<DtlsFailure> failures;
  int closed = 0;
};

// The peer's identity: a P-256 self-signed certificate made here with OpenSSL alone.
struct PeerIdentity {
  X509Ptr certificate;
  EvpPkeyPtr key;
};

const PeerIdentity& peerIdentity() {
  static const PeerIdentity identity = [] {
    PeerIdentity made{X509Ptr(X509_new()), EvpPkeyPtr(EVP_EC_gen("P-256"))};
    X509* cert = made.certificate.get();
    X509_set_version(cert, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 7);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("peer"), -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(cert));
    X509_set_pubkey(cert, made.key.get());
    X509_sign(cert, made.key.get(), EVP_sha256());
    return made;
  }();
  return identity;
}

DtlsFingerprint peerFingerprint() {
  return *DtlsFingerprint::of(*peerIdentity().certificate, DtlsHashFunction::kSha256);
}

DtlsFingerprint wrongFingerprint() {
  const std::array<std::uint8_t, 32> digest{0xde, 0xad, 0xbe, 0xef};
  return {DtlsHashFunction::kSha256, digest};
}

// A DTLS-SRTP peer written directly against OpenSSL, the way another WebRTC stack would be:
// its own context and certificate, memory BIOs, our certificate checked against the
// fingerprint our SDP would announce. It never retransmits on its own, so the tests see only
// the endpoint's retransmissions.
class PlainPeer {
 public:
  PlainPeer(DtlsRole role, const DtlsFingerprint& expected, const char* srtpProfiles)
      : role_(role), expected_(expected) {
    context_.reset(SSL_CTX_new(DTLS_method()));
    SSL_CTX* ctx = context_.get();
    SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION);
    SSL_CTX_use_certificate(ctx, peerIdentity().certificate.get());
    SSL_CTX_use_PrivateKey(ctx, peerIdentity().key.get());
    EXPECT_EQ(SSL_CTX_set_tlsext_use_srtp(ctx, srtpProfiles), 0);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, &verify);
    SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU);
    ssl_.reset(SSL_new(ctx));
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in_, -1);
    BIO_set_mem_eof_return(out_, -1);
    SSL_set_bio(ssl_.get(), in_, out_);
    SSL_set_ex_data(ssl_.get(), 0, this);
    SSL_set_mtu(ssl_.get(), 1200);
    DTLS_set_timer_cb(ssl_.get(),
                      [](SSL*, unsigned int) -> unsigned int { return 3'600'000'000U; });
    SSL_set_info_callback(ssl_.get(), &info);
    if (role == DtlsRole::kClient) {
      SSL_set_connect_state(ssl_.get());
    } else {
      SSL_set_accept_state(ssl_.get());
    }
  }

  void start() { drive(); }

  void receive(std::span<const std::uint8_t> datagram) {
    BIO_write(in_, datagram.data(), static_cast<int>(datagram.size()));
    drive();
  }

  // Everything the peer wrote since the last call, as one datagram.
  std::vector<Datagram> take() {
    char* data = nullptr;
    const long size = BIO_get_mem_data(out_, &data);
    if (size <= 0) {
      return {};
    }
    std::vector<Datagram> datagrams{Datagram(data, data + size)};
    BIO_reset(out_);
    return datagrams;
  }

  void close() { SSL_shutdown(ssl_.get()); }

  bool connected() const { return connected_; }
  bool failed() const { return failed_; }
  bool closeNotifyReceived() const { return closeNotify_; }
  std::optional<int> fatalAlertReceived() const { return fatalAlert_; }

  // RFC 5764 §4.2, from this peer's point of view.
  SrtpKeyMaterial keys() const {
    const auto* selected = SSL_get_selected_srtp_profile(ssl_.get());
    EXPECT_NE(selected, nullptr);
    SrtpKeyMaterial keys;
    keys.profile = static_cast<SrtpProfile>(selected->id);
    const auto [keyBytes, saltBytes] = sizesOf(keys.profile);
    std::vector<std::uint8_t> exported(2 * (keyBytes + saltBytes));
    EXPECT_EQ(SSL_export_keying_material(ssl_.get(), exported.data(), exported.size(),
                                         "EXTRACTOR-dtls_srtp", 19, nullptr, 0, 0),
              1);
    SrtpMasterKey client;
    SrtpMasterKey server;
    std::copy_n(exported.begin(), keyBytes, client.key.begin());
    std::copy_n(exported.begin() + static_cast<long>(keyBytes), keyBytes, server.key.begin());
    std::copy_n(exported.begin() + static_cast<long>(2 * keyBytes), saltBytes, client.salt.begin());
    std::copy_n(exported.begin() + static_cast<long>(2 * keyBytes + saltBytes), saltBytes,
                server.salt.begin());
    keys.local = role_ == DtlsRole::kClient ? client : server;
    keys.remote = role_ == DtlsRole::kClient ? server : client;
    return keys;
  }

 private:
  static PlainPeer& of(const SSL* ssl) { return *static_cast<PlainPeer*>(SSL_get_ex_data(ssl, 0)); }

  static int verify(int /*preverified*/, X509_STORE_CTX* store) {
    const auto* ssl = static_cast<const SSL*>(
        X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    if (X509_STORE_CTX_get_error_depth(store) != 0) {
      return 1;
    }
    const auto fingerprint =
        DtlsFingerprint::of(*X509_STORE_CTX_get_current_cert(store), DtlsHashFunction::kSha256);
    if (fingerprint == of(ssl).expected_) {
      return 1;
    }
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
  }

  static void info(const SSL* ssl, int where, int value) {
    if ((where & SSL_CB_READ_ALERT) != 0 && (value >> 8) == SSL3_AL_FATAL) {
      of(ssl).fatalAlert_ = value & 0xff;
    }
  }

  void drive() {
    ERR_clear_error();
    if (!connected_ && !failed_) {
      const int result = SSL_do_handshake(ssl_.get());
      if (result == 1) {
        connected_ = true;
      } else {
        const int error = SSL_get_error(ssl_.get(), result);
        failed_ = error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE;
      }
    }
    if (connected_) {
      std::array<std::uint8_t, 2048> buffer{};
      while (SSL_read(ssl_.get(), buffer.data(), static_cast<int>(buffer.size())) > 0) {
      }
      closeNotify_ = (SSL_get_shutdown(ssl_.get()) & SSL_RECEIVED_SHUTDOWN) != 0;
    }
    ERR_clear_error();
  }

  DtlsRole role_;
  DtlsFingerprint expected_;
  SslCtxPtr context_;
  SslPtr ssl_;
  BIO* in_ = nullptr;
  BIO* out_ = nullptr;
  bool connected_ = false;
  bool failed_ = false;
  bool closeNotify_ = false;
  std::optional<int> fatalAlert_;
};

constexpr const char* kAllProfiles =
    "SRTP_AEAD_AES_128_GCM:SRTP_AEAD_AES_256_GCM:SRTP_AES128_CM_SHA1_80";

DtlsRole opposite(DtlsRole role) {
  return role == DtlsRole::kServer ? DtlsRole::kClient : DtlsRole::kServer;
}

bool sameKey(const SrtpMasterKey& a, const SrtpMasterKey& b) {
  return a.key == b.key && a.salt == b.salt;
}

bool isZero(const SrtpMasterKey& k) {
  return std::ranges::all_of(k.key, [](auto b) { return b == 0; }) &&
         std::ranges::all_of(k.salt, [](auto b) { return b == 0; });
}

class DtlsEndpointTest : public ::testing::Test {
 protected:
  // Delivers datagrams both ways until neither side has anything more to say.
  static void exchange(DtlsEndpoint& endpoint, Wire& wire, PlainPeer& peer, TimePoint now) {
    for (int round = 0; round < 32; ++round) {
      auto toPeer = wire.take();
      auto toEndpoint = peer.take();
      if (toPeer.empty() && toEndpoint.empty()) {
        return;
      }
      for (const auto& datagram : toPeer) {
        peer.receive(datagram);
      }
      for (const auto& datagram : toEndpoint) {
        endpoint.onDatagram(datagram, now);
      }
    }
  }

  static void exchange(DtlsEndpoint& a, Wire& aWire, DtlsEndpoint& b, Wire& bWire, TimePoint now) {
    for (int round = 0; round < 32; ++round) {
      auto toB = aWire.take();
      auto toA = bWire.take();
      if (toA.empty() && toB.empty()) {
        return;
      }
      for (const auto& datagram : toB) {
        b.onDatagram(datagram, now);
      }
      for (const auto& datagram : toA) {
        a.onDatagram(datagram, now);
      }
    }
  }

  // Handshakes an endpoint in `role` with a plain peer in the other role.
  void handshake(DtlsEndpoint& endpoint, Wire& wire, PlainPeer& peer) {
    endpoint.start(clock_.now());
    peer.start();
    exchange(endpoint, wire, peer, clock_.now());
  }

  testing::FakeWallClock clock_{kStart};
  Wire wire_;
  Events events_;
};

class DtlsEndpointRoleTest : public DtlsEndpointTest,
                             public ::testing::WithParamInterface<DtlsRole> {};

TEST_P(DtlsEndpointRoleTest, HandshakesWithAPlainOpensslPeerAndExportsTheSameKeys) {
  const DtlsRole role = GetParam();
  PlainPeer peer(opposite(role), ourCertificate().fingerprint(), kAllProfiles);
  DtlsEndpoint endpoint(ourCertificate(), role, peerFingerprint(), events_, wire_);
  handshake(endpoint, wire_, peer);

  ASSERT_TRUE(peer.connected());
  ASSERT_EQ(endpoint.state(), DtlsState::kConnected);
  ASSERT_TRUE(events_.keys);
  EXPECT_TRUE(events_.failures.empty());
  EXPECT_EQ(endpoint.nextTimeout(), std::nullopt);
  const SrtpKeyMaterial peerKeys = peer.keys();
  EXPECT_EQ(events_.keys->profile, SrtpProfile::kAeadAes128Gcm);
  EXPECT_EQ(peerKeys.profile, SrtpProfile::kAeadAes128Gcm);
  EXPECT_TRUE(sameKey(events_.keys->local, peerKeys.remote));
  EXPECT_TRUE(sameKey(events_.keys->remote, peerKeys.local));
  EXPECT_FALSE(sameKey(events_.keys->local, events_.keys->remote));
  EXPECT_FALSE(isZero(events_.keys->local));
  EXPECT_LE(wire_.largest(), 1200U);
}

TEST_P(DtlsEndpointRoleTest, FingerprintMismatchFailsAndSendsBadCertificate) {
  const DtlsRole role = GetParam();
  PlainPeer peer(opposite(role), ourCertificate().fingerprint(), kAllProfiles);
  DtlsEndpoint endpoint(ourCertificate(), role, wrongFingerprint(), events_, wire_);
  handshake(endpoint, wire_, peer);

  EXPECT_EQ(endpoint.state(), DtlsState::kFailed);
  EXPECT_EQ(events_.failures, std::vector{DtlsFailure::kFingerprintMismatch});
  EXPECT_FALSE(events_.keys);
  EXPECT_TRUE(peer.failed());
  EXPECT_EQ(peer.fatalAlertReceived(), kBadCertificateAlert);
  EXPECT_EQ(endpoint.nextTimeout(), std::nullopt);
}

TEST_P(DtlsEndpointRoleTest, PeerRejectingOurCertificateIsAPeerAlert) {
  const DtlsRole role = GetParam();
  PlainPeer peer(opposite(role), wrongFingerprint(), kAllProfiles);
  DtlsEndpoint endpoint(ourCertificate(), role, peerFingerprint(), events_, wire_);
  handshake(endpoint, wire_, peer);

  EXPECT_EQ(endpoint.state(), DtlsState::kFailed);
  EXPECT_EQ(events_.failures, std::vector{DtlsFailure::kPeerAlert});
}

TEST_P(DtlsEndpointRoleTest, CloseSendsCloseNotifyToThePeer) {
  const DtlsRole role = GetParam();
  PlainPeer peer(opposite(role), ourCertificate().fingerprint(), kAllProfiles);
  DtlsEndpoint endpoint(ourCertificate(), role, peerFingerprint(), events_, wire_);
  handshake(endpoint, wire_, peer);
  ASSERT_EQ(endpoint.state(), DtlsState::kConnected);

  endpoint.close();
  EXPECT_EQ(endpoint.state(), DtlsState::kClosed);
  exchange(endpoint, wire_, peer, clock_.now());
  EXPECT_TRUE(peer.closeNotifyReceived());
  EXPECT_EQ(events_.closed, 0);
}

TEST_P(DtlsEndpointRoleTest, PeerCloseNotifyIsReported) {
  const DtlsRole role = GetParam();
  PlainPeer peer(opposite(role), ourCertificate().fingerprint(), kAllProfiles);
  DtlsEndpoint endpoint(ourCertificate(), role, peerFingerprint(), events_, wire_);
  handshake(endpoint, wire_, peer);
  ASSERT_EQ(endpoint.state(), DtlsState::kConnected);

  peer.close();
  exchange(endpoint, wire_, peer, clock_.now());
  EXPECT_EQ(events_.closed, 1);
  EXPECT_EQ(endpoint.state(), DtlsState::kClosed);
  EXPECT_EQ(endpoint.onDatagram(std::array<std::uint8_t, 13>{23, 0xfe, 0xfd}, clock_.now()),
            DtlsDatagramResult::kInactive);
}

TEST_P(DtlsEndpointRoleTest, SmallMtuFragmentsTheHandshakeIntoSmallDatagrams) {
  const DtlsRole role = GetParam();
  PlainPeer peer(opposite(role), ourCertificate().fingerprint(), kAllProfiles);
  DtlsEndpointConfig config;
  config.mtu = 300;
  DtlsEndpoint endpoint(ourCertificate(), role, peerFingerprint(), events_, wire_,
                        kDefaultSrtpProfiles, config);
  handshake(endpoint, wire_, peer);

  EXPECT_EQ(endpoint.state(), DtlsState::kConnected);
  EXPECT_LE(wire_.largest(), 300U);
}

INSTANTIATE_TEST_SUITE_P(BothRoles, DtlsEndpointRoleTest,
                         ::testing::Values(DtlsRole::kServer, DtlsRole::kClient),
                         [](const auto& info) {
                           return info.param == DtlsRole::kServer ? "Server" : "Client";
                         });

class DtlsEndpointProfileTest
    : public DtlsEndpointTest,
      public ::testing::WithParamInterface<std::tuple<DtlsRole, SrtpProfile>> {};

TEST_P(DtlsEndpointProfileTest, NegotiatesTheOnlyCommonProfile) {
  const auto [role, profile] = GetParam();
  PlainPeer peer(opposite(role), ourCertificate().fingerprint(), opensslNameOf(profile).data());
  DtlsEndpoint endpoint(ourCertificate(), role, peerFingerprint(), events_, wire_);
  handshake(endpoint, wire_, peer);

  ASSERT_TRUE(events_.keys);
  EXPECT_EQ(events_.keys->profile, profile);
  const SrtpKeyMaterial peerKeys = peer.keys();
  EXPECT_EQ(peerKeys.profile, profile);
  EXPECT_TRUE(sameKey(events_.keys->local, peerKeys.remote));
  EXPECT_TRUE(sameKey(events_.keys->remote, peerKeys.local));
  // Only the profile's key and salt lengths are filled (RFC 3711 §8.2, RFC 7714 §12).
  const auto [keyBytes, saltBytes] = sizesOf(profile);
  EXPECT_FALSE(isZero(events_.keys->local));
  EXPECT_TRUE(std::all_of(events_.keys->local.key.begin() + static_cast<long>(keyBytes),
                          events_.keys->local.key.end(), [](auto b) { return b == 0; }));
  EXPECT_TRUE(std::all_of(events_.keys->local.salt.begin() + static_cast<long>(saltBytes),
                          events_.keys->local.salt.end(), [](auto b) { return b == 0; }));
}

INSTANTIATE_TEST_SUITE_P(EveryProfile, DtlsEndpointProfileTest,
                         ::testing::Combine(::testing::Values(DtlsRole::kServer, DtlsRole::kClient),
                                            ::testing::Values(SrtpProfile::kAes128CmSha1Tag80,
                                                              SrtpProfile::kAeadAes128Gcm,
                                                              SrtpProfile::kAeadAes256Gcm)),
                         [](const auto& info) {
                           const DtlsRole role = std::get<0>(info.param);
                           std::string name = role == DtlsRole::kServer ? "Server_" : "Client_";
                           name.append(opensslNameOf(std::get<1>(info.param)));
                           return name;
                         });

TEST_F(DtlsEndpointTest, AsServerOurPreferenceOrderWins) {
  // The client lists 128-bit GCM first; a server that prefers 256-bit GCM gets it.
  PlainPeer peer(DtlsRole::kClient, ourCertificate().fingerprint(), kAllProfiles);
  const std::array preference{SrtpProfile::kAeadAes256Gcm, SrtpProfile::kAeadAes128Gcm};
  DtlsEndpoint endpoint(ourCertificate(), DtlsRole::kServer, peerFingerprint(), events_, wire_,
                        preference);
  handshake(endpoint, wire_, peer);
  ASSERT_TRUE(events_.keys);
  EXPECT_EQ(events_.keys->profile, SrtpProfile::kAeadAes256Gcm);
}

TEST_F(DtlsEndpointTest, AsServerDefaultPreferencePutsGcmBeforeCm) {
  PlainPeer peer(DtlsRole::kClient, ourCertificate().fingerprint(),
                 "SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_256_GCM:SRTP_AEAD_AES_128_GCM");
  DtlsEndpoint endpoint(ourCertificate(), DtlsRole::kServer, peerFingerprint(), events_, wire_);
  handshake(endpoint, wire_, peer);
  ASSERT_TRUE(events_.keys);
  EXPECT_EQ(events_.keys->profile, SrtpProfile::kAeadAes128Gcm);
}

TEST_F(DtlsEndpointTest, AsClientOffersProfilesInPreferenceOrder) {
  DtlsEndpoint endpoint(ourCertificate(), DtlsRole::kClient, peerFingerprint(), events_, wire_);
  endpoint.start(clock_.now());
  const auto sent = wire_.take();
  ASSERT_EQ(sent.size(), 1U);
  // RFC 5764 §4.1.1: use_srtp (type 14), extension length 9, profiles length 6, then
  // AEAD_AES_128_GCM (0x0007), AEAD_AES_256_GCM (0x0008), AES128_CM_SHA1_80 (0x0001), no MKI.
  const std::array<std::uint8_t, 13> useSrtp{0x00, 0x0e, 0x00, 0x09, 0x00, 0x06, 0x00,
                                             0x07, 0x00, 0x08, 0x00, 0x01, 0x00};
  EXPECT_NE(std::search(sent[0].begin(), sent[0].end(), useSrtp.begin(), useSrtp.end()),
            sent[0].end());
}

TEST_F(DtlsEndpointTest, NoCommonProfileFailsAfterTheHandshake) {
  PlainPeer peer(DtlsRole::kClient, ourCertificate().fingerprint(), "SRTP_AEAD_AES_128_GCM");
  const std::array preference{SrtpProfile::kAes128CmSha1Tag80};
  DtlsEndpoint endpoint(ourCertificate(), DtlsRole::kServer, peerFingerprint(), events_, wire_,
                        preference);
  handshake(endpoint, wire_, peer);
  EXPECT_EQ(events_.failures, std::vector{DtlsFailure::kNoSrtpProfile});
  EXPECT_FALSE(events_.keys);
  EXPECT_TRUE(peer.closeNotifyReceived());
}

TEST_F(DtlsEndpointTest, LostClientHelloIsRetransmittedWhenTheOwnersTimerFires) {
  PlainPeer peer(DtlsRole::kServer, ourCertificate().fingerprint(), kAllProfiles);
  DtlsEndpoint endpoint(ourCertificate(), DtlsRole::kClient, peerFingerprint(), events_, wire_);
  endpoint.start(clock_.now());
  ASSERT_EQ(wire_.take().size(), 1U);  // lost
  // RFC 6347 §4.2.4.1: first retransmission after 1 s.
  ASSERT_EQ(endpoint.nextTimeout(), kStart + 1s);

  clock_.advanceTo(kStart + 999ms);
  endpoint.onTimeout(clock_.now());
  EXPECT_TRUE(wire_.take().empty());

  clock_.advanceTo(kStart + 1s);
  endpoint.onTimeout(clock_.now());
  const auto retransmitted = wire_.take();
  ASSERT_EQ(retransmitted.size(), 1U);
  EXPECT_EQ(retransmitted[0][13], 1);  // handshake type client_hello (RFC 5246 §7.4)
  EXPECT_EQ(endpoint.nextTimeout(), kStart + 1s + 2s);

  for (const auto& datagram : retransmitted) {
    peer.receive(datagram);
  }
  exchange(endpoint, wire_, peer, clock_.now());
  EXPECT_EQ(endpoint.state(), DtlsState::kConnected);
  EXPECT_TRUE(peer.connected());
}

TEST_F(DtlsEndpointTest, LostServerFlightIsRetransmitted) {
  PlainPeer peer(DtlsRole::kClient, ourCertificate().fingerprint(), kAllProfiles);
  DtlsEndpoint endpoint(ourCertificate(), DtlsRole::kServer, peerFingerprint(), events_, wire_);
  endpoint.start(clock_.now());
  EXPECT_EQ(endpoint.nextTimeout(), kStart + 30s);  // a server waits; only the handshake timeout
  peer.start();
  for (const auto& datagram : peer.take()) {
    endpoint.onDatagram(datagram, clock_.now());
  }
  const auto firstFlight = wire_.take();
  ASSERT_FALSE(firstFlight.empty());  // ServerHello ... ServerHelloDone, lost
  EXPECT_EQ(endpoint.nextTimeout(), kStart + 1s);

  clock_.advanceTo(kStart + 1s);
  endpoint.onTimeout(clock_.now());
  exchange(endpoint, wire_, peer, clock_.now());
  EXPECT_EQ(endpoint.state(), DtlsState::kConnected);
  EXPECT_TRUE(peer.connected());
}

TEST_F(DtlsEndpointTest, RetransmissionsBackOffUntilTheHandshakeTimesOut) {
  DtlsEndpoint endpoint(ourCertificate(), DtlsRole::kClient, peerFingerprint(), events_, wire_);
  endpoint.start(clock_.now());
  std::vector<std::chrono::milliseconds> sentAt;
  for (int i = 0; i < 20 && endpoint.nextTimeout(); ++i) {
    for (std::size_t n = wire_.take().size(); n > 0; --n) {
      sentAt.push_back(
          std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - kStart));
    }
    clock_.advanceTo(*endpoint.nextTimeout());
    endpoint.onTimeout(clock_.now());
  }
  EXPECT_EQ(sentAt, (std::vector<std::chrono::milliseconds>{0s, 1s, 3s, 7s, 15s}));
  EXPECT_EQ(clock_.now(), kStart + 30s);
  EXPECT_EQ(events_.failures, std::vector{DtlsFailure::kHandshakeTimeout});
  EXPECT_EQ(endpoint.state(), DtlsState::kFailed);
  EXPECT_EQ(endpoint.nextTimeout(), std::nullopt);
}

TEST_F(DtlsEndpointTest, ServerWithoutAClientHelloTimesOut) {
  DtlsEndpointConfig config;
  config.handshakeTimeout = 10s;
  DtlsEndpoint endpoint(ourCertificate(), DtlsRole::kServer, peerFingerprint(), events_, wire_,
                        kDefaultSrtpProfiles, config);
  endpoint.start(clock_.now());
  endpoint.onTimeout(kStart + 9999ms);
  EXPECT_TRUE(events_.failures.empty());
  endpoint.onTimeout(kStart + 10s);
  EXPECT_EQ(events_.failures, std::vector{DtlsFailure::kHandshakeTimeout});
  EXPECT_TRUE(wire_.take().empty());
}

TEST_F(DtlsEndpointTest, OwnerClockAheadOfOpensslsWaitsForOpenssl) {
  DtlsEndpoint endpoint(ourCertificate(), DtlsRole::kClient, peerFingerprint(), events_, wire_);
  endpoint.start(clock_.now());
  wire_.take();
  // The owner's clock says 1 s has passed; gettimeofday() (OpenSSL's) says 400 ms.
  clock_.advanceTo(kStart + 400ms);
  endpoint.onTimeout(kStart + 1s);
  EXPECT_TRUE(wire_.take().empty());
  // Re-armed for the 600 ms OpenSSL still counts, not dropped.
  EXPECT_EQ(endpoint.nextTimeout(), kStart + 1s + 600ms);
  clock_.advanceTo(kStart + 1s);
  endpoint.onTimeout(kStart + 1s + 600ms);
  EXPECT_EQ(wire_.take().size(), 1U);
}

TEST_F(DtlsEndpointTest, GarbageIsReportedOrIgnoredAndTheHandshakeStillCompletes) {
  PlainPeer peer(DtlsRole::kClient, ourCertificate().fingerprint(), kAllProfiles);
  DtlsEndpoint endpoint(ourCertificate(), DtlsRole::kServer, peerFingerprint(), events_, wire_);
  const std::array<std::uint8_t, 13> dtlsTooShortBody{22, 0xfe, 0xfd, 0, 0,    0, 0,
                                                      0,  0,    0,    0, 0x40, 0};
  const std::array<std::uint8_t, 20> stun{0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42};
  const std::array<std::uint8_t, 5> shortDtls{22, 0xfe, 0xfd, 0, 0};
  std::array<std::uint8_t, 300> noise{};
  std::uint32_t state = 12345;
  for (auto& byte : noise) {
    state = state * 1103515245U + 12345U;
    byte = static_cast<std::uint8_t>(state >> 24U);
  }
  noise[0] = 23;  // application data before any keys

  EXPECT_EQ(endpoint.onDatagram(noise, clock_.now()), DtlsDatagramResult::kInactive);
  endpoint.start(clock_.now());
  const auto sendGarbage = [&] {
    EXPECT_EQ(endpoint.onDatagram(stun, clock_.now()), DtlsDatagramResult::kNotDtls);
    EXPECT_EQ(endpoint.onDatagram(shortDtls, clock_.now()), DtlsDatagramResult::kNotDtls);
    EXPECT_EQ(endpoint.onDatagram({}, clock_.now()), DtlsDatagramResult::kNotDtls);
    EXPECT_EQ(endpoint.onDatagram(dtlsTooShortBody, clock_.now()), DtlsDatagramResult::kProcessed);
    EXPECT_EQ(endpoint.onDatagram(noise, clock_.now()), DtlsDatagramResult::kProcessed);
  };
  sendGarbage();
  peer.start();
  for (int round = 0; round < 8 && !peer.connected(); ++round) {
    for (const auto& datagram : peer.take()) {
      sendGarbage();
      endpoint.onDatagram(datagram, clock_.now());
    }
    for (const auto& datagram : wire_.take()) {
      peer.receive(datagram);
    }
  }
  exchange(endpoint, wire_, peer, clock_.now());
  EXPECT_EQ(endpoint.state(), DtlsState::kConnected);
  sendGarbage();
  EXPECT_EQ(endpoint.state(), DtlsState::kConnected);
  EXPECT_TRUE(events_.failures.empty());
}

// Two DtlsEndpoints, ours as server (on wire_ and events_) and another as client, both started.
class DtlsEndpointPairTest : public DtlsEndpointTest {
 protected:
  DtlsEndpointPairTest() {
    server_.start(clock_.now());
    client_.start(clock_.now());
  }

  static const DtlsCertificate& clientCertificate() {
    static const DtlsCertificate kCertificate = *DtlsCertificate::generate(kCertificateTime);
    return kCertificate;
  }

  Wire clientWire_;
  Events clientEvents_;
  DtlsEndpoint client_{clientCertificate(), DtlsRole::kClient, ourCertificate().fingerprint(),
                       clientEvents_, clientWire_};
  DtlsEndpoint server_{ourCertificate(), DtlsRole::kServer, clientCertificate().fingerprint(),
                       events_, wire_};
};

TEST_F(DtlsEndpointPairTest, TwoEndpointsHandshakeAndAgreeOnKeys) {
  exchange(client_, clientWire_, server_, wire_, clock_.now());

  ASSERT_TRUE(clientEvents_.keys && events_.keys);
  EXPECT_EQ(clientEvents_.keys->profile, SrtpProfile::kAeadAes128Gcm);
  EXPECT_EQ(events_.keys->profile, SrtpProfile::kAeadAes128Gcm);
  EXPECT_TRUE(sameKey(clientEvents_.keys->local, events_.keys->remote));
  EXPECT_TRUE(sameKey(clientEvents_.keys->remote, events_.keys->local));
}

TEST_F(DtlsEndpointPairTest, LostFinalFlightIsRecoveredByTheClientsRetransmission) {
  // ClientHello → server flight → client flight; the server's ChangeCipherSpec + Finished is lost.
  for (const auto& d : clientWire_.take()) {
    server_.onDatagram(d, clock_.now());
  }
  for (const auto& d : wire_.take()) {
    client_.onDatagram(d, clock_.now());
  }
  for (const auto& d : clientWire_.take()) {
    server_.onDatagram(d, clock_.now());
  }
  ASSERT_EQ(server_.state(), DtlsState::kConnected);
  ASSERT_FALSE(wire_.take().empty());
  ASSERT_EQ(client_.state(), DtlsState::kConnecting);

  // RFC 6347 §4.2.4: the client retransmits its flight; the server answers with its last one.
  clock_.advanceTo(*client_.nextTimeout());
  client_.onTimeout(clock_.now());
  exchange(client_, clientWire_, server_, wire_, clock_.now());
  EXPECT_EQ(client_.state(), DtlsState::kConnected);
  ASSERT_TRUE(clientEvents_.keys);
  EXPECT_TRUE(sameKey(clientEvents_.keys->local, events_.keys->remote));
}

TEST_F(DtlsEndpointTest, FailureReasonsHaveMetricLabels) {
  EXPECT_EQ(toString(DtlsFailure::kFingerprintMismatch), "fingerprint_mismatch");
  EXPECT_EQ(toString(DtlsFailure::kHandshakeTimeout), "handshake_timeout");
  EXPECT_EQ(toString(DtlsFailure::kNoSrtpProfile), "no_srtp_profile");
  EXPECT_EQ(toString(DtlsFailure::kPeerAlert), "peer_alert");
  EXPECT_EQ(toString(DtlsFailure::kProtocolError), "protocol_error");
}

}  // namespace
}  // namespace chorus::media
