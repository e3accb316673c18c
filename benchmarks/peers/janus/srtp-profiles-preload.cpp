// Preloaded into Janus by run-janus.sh (LD_PRELOAD) so that Janus negotiates the SRTP
// protection profiles of CHORUS_JANUS_SRTP_PROFILES instead of its built-in list
// "SRTP_AEAD_AES_256_GCM:SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80:SRTP_AES128_CM_SHA1_32",
// which has no configuration setting in Janus 1.1.2. Janus calls SSL_CTX_set_tlsext_use_srtp()
// once, on its one DTLS context at start; this definition comes first in symbol lookup and
// passes the replacement list to OpenSSL's own. With one profile in the list, Janus offers
// only it when it is the DTLS client and accepts only it when it is the server (RFC 5764
// §4.1.1), whatever the peer prefers: the same suite as Chorus's default (AEAD_AES_128_GCM).
#include <cstdlib>
#include <dlfcn.h>

#include <openssl/ssl.h>

extern "C" int SSL_CTX_set_tlsext_use_srtp(SSL_CTX* ctx, const char* profiles) {
  using Setter = int (*)(SSL_CTX*, const char*);
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): dlsym returns a void*
  static const auto openssl =
      reinterpret_cast<Setter>(dlsym(RTLD_NEXT, "SSL_CTX_set_tlsext_use_srtp"));
  if (openssl == nullptr) {
    return 1;  // OpenSSL's convention: non-zero is failure
  }
  const char* forced = std::getenv("CHORUS_JANUS_SRTP_PROFILES");  // NOLINT(concurrency-mt-unsafe)
  return openssl(ctx, forced != nullptr && *forced != '\0' ? forced : profiles);
}
