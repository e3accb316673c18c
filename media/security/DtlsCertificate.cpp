#include "media/security/DtlsCertificate.h"

#include <climits>
#include <utility>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace chorus::media {
namespace {

constexpr auto kValidBefore = std::chrono::hours(24 * 30);
constexpr auto kValidAfter = std::chrono::hours(24 * 365);
constexpr int kSerialBits = 63;  // positive and fits the 64-bit serials every stack handles

// ECDHE only (forward secrecy); ECDSA suites for our certificate when we are the server, RSA
// ones too when we are the client of a peer with an RSA certificate.
constexpr const char* kCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA";
constexpr const char* kGroups = "X25519:P-256:P-384";

BioPtr memoryBioOver(std::string_view text) {
  if (text.size() > INT_MAX) {
    return nullptr;
  }
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

bool setTime(ASN1_TIME* field, std::chrono::system_clock::time_point at) {
  return ASN1_TIME_set(field, std::chrono::system_clock::to_time_t(at)) != nullptr;
}

bool setRandomSerial(X509& certificate) {
  const std::unique_ptr<BIGNUM, OpensslDeleter<BN_free>> serial(BN_new());
  return serial && BN_rand(serial.get(), kSerialBits, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
         BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(&certificate)) != nullptr;
}

bool setName(X509& certificate, std::string_view commonName) {
  X509_NAME* name = X509_get_subject_name(&certificate);
  return commonName.size() <= INT_MAX &&
         X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(commonName.data()),
                                    static_cast<int>(commonName.size()), -1, 0) == 1 &&
         X509_set_issuer_name(&certificate, name) == 1;
}

SslCtxPtr makeContext(X509& certificate, EVP_PKEY& privateKey) {
  SslCtxPtr context(SSL_CTX_new(DTLS_method()));
  if (!context) {
    return nullptr;
  }
  SSL_CTX* ctx = context.get();
  // RFC 8827 §6.5: DTLS 1.2 or later; OpenSSL 3.0 has no DTLS 1.3.
  const bool configured = SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) == 1 &&
                          SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) == 1 &&
                          SSL_CTX_set_cipher_list(ctx, kCipherList) == 1 &&
                          SSL_CTX_set1_groups_list(ctx, kGroups) == 1 &&
                          SSL_CTX_use_certificate(ctx, &certificate) == 1 &&
                          SSL_CTX_use_PrivateKey(ctx, &privateKey) == 1 &&
                          SSL_CTX_check_private_key(ctx) == 1;
  if (!configured) {
    return nullptr;
  }
  // The datagram size is ours to set (DtlsEndpoint), never probed on a socket; no session
  // resumption (every WebRTC transport does a full handshake with fresh keys).
  SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  // RFC 8827 §6.5: both sides present a certificate; DtlsEndpoint checks it by fingerprint.
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  return context;
}

}  // namespace

DtlsCertificate::DtlsCertificate(X509Ptr certificate, EvpPkeyPtr privateKey,
                                 DtlsFingerprint fingerprint, SslCtxPtr context) noexcept
    : certificate_(std::move(certificate)),
      privateKey_(std::move(privateKey)),
      fingerprint_(fingerprint),
      context_(std::move(context)) {}

std::optional<DtlsCertificate> DtlsCertificate::assemble(X509Ptr certificate,
                                                         EvpPkeyPtr privateKey) {
  const auto fingerprint = DtlsFingerprint::of(*certificate, DtlsHashFunction::kSha256);
  if (!fingerprint) {
    return std::nullopt;
  }
  auto context = makeContext(*certificate, *privateKey);
  if (!context) {
    return std::nullopt;
  }
  return DtlsCertificate(std::move(certificate), std::move(privateKey), *fingerprint,
                         std::move(context));
}

std::optional<DtlsCertificate> DtlsCertificate::generate(std::chrono::system_clock::time_point now,
                                                         std::string_view commonName) {
  EvpPkeyPtr key(EVP_EC_gen(SN_X9_62_prime256v1));
  X509Ptr certificate(X509_new());
  if (!key || !certificate) {
    return std::nullopt;
  }
  X509& cert = *certificate;
  const bool built = X509_set_version(&cert, X509_VERSION_3) == 1 && setRandomSerial(cert) &&
                     setTime(X509_getm_notBefore(&cert), now - kValidBefore) &&
                     setTime(X509_getm_notAfter(&cert), now + kValidAfter) &&
                     setName(cert, commonName) && X509_set_pubkey(&cert, key.get()) == 1 &&
                     X509_sign(&cert, key.get(), EVP_sha256()) > 0;
  if (!built) {
    return std::nullopt;
  }
  return assemble(std::move(certificate), std::move(key));
}

std::optional<DtlsCertificate> DtlsCertificate::fromPem(std::string_view certificatePem,
                                                        std::string_view privateKeyPem) {
  const auto certificateBio = memoryBioOver(certificatePem);
  const auto keyBio = memoryBioOver(privateKeyPem);
  if (!certificateBio || !keyBio) {
    return std::nullopt;
  }
  X509Ptr certificate(PEM_read_bio_X509(certificateBio.get(), nullptr, nullptr, nullptr));
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr));
  if (!certificate || !key || X509_check_private_key(certificate.get(), key.get()) != 1) {
    return std::nullopt;
  }
  return assemble(std::move(certificate), std::move(key));
}

}  // namespace chorus::media
