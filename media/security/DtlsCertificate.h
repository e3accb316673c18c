#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include <openssl/types.h>

#include "media/security/DtlsFingerprint.h"
#include "media/security/OpensslPtr.h"

namespace chorus::media {

// The process's DTLS identity for WebRTC: a certificate and its private key, the SHA-256
// fingerprint that SDP announces for it (RFC 8122 §5), and the DTLS 1.2 context every
// DtlsEndpoint of the process creates its connections from. WebRTC authenticates the
// certificate by that fingerprint, not by a CA (RFC 8827 §6.5), so a self-signed one is normal.
//
// Control plane: created once at start, then only read (from any shard: OpenSSL allows
// concurrent SSL_new on one SSL_CTX).
class DtlsCertificate {
 public:
  // A fresh ECDSA P-256 self-signed certificate (RFC 8827 §6.5: ECDSA with P-256 is what
  // browsers use), CN=commonName, random serial, valid from 30 days before `now` (clocks of
  // peers are not exact) to 365 days after it. Empty if OpenSSL fails.
  static std::optional<DtlsCertificate> generate(std::chrono::system_clock::time_point now,
                                                 std::string_view commonName = "chorus");

  // A certificate and its private key, both PEM. Empty if either does not parse or the key is
  // not the certificate's.
  static std::optional<DtlsCertificate> fromPem(std::string_view certificatePem,
                                                std::string_view privateKeyPem);

  const DtlsFingerprint& fingerprint() const noexcept { return fingerprint_; }
  X509* certificate() const noexcept { return certificate_.get(); }
  EVP_PKEY* privateKey() const noexcept { return privateKey_.get(); }

  // DTLS 1.2 only, ECDHE suites, this certificate and key, peer certificate required.
  SSL_CTX* context() const noexcept { return context_.get(); }

 private:
  DtlsCertificate(X509Ptr certificate, EvpPkeyPtr privateKey, DtlsFingerprint fingerprint,
                  SslCtxPtr context) noexcept;
  static std::optional<DtlsCertificate> assemble(X509Ptr certificate, EvpPkeyPtr privateKey);

  X509Ptr certificate_;
  EvpPkeyPtr privateKey_;
  DtlsFingerprint fingerprint_;
  SslCtxPtr context_;
};

}  // namespace chorus::media
