#pragma once

#include <memory>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace chorus::media {

// Owning handles for the OpenSSL objects the DTLS code holds, so every exit path frees them.
template <auto Free>
struct OpensslDeleter {
  template <typename T>
  void operator()(T* object) const noexcept {
    Free(object);
  }
};

using X509Ptr = std::unique_ptr<X509, OpensslDeleter<X509_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpensslDeleter<EVP_PKEY_free>>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, OpensslDeleter<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OpensslDeleter<SSL_free>>;
using BioPtr = std::unique_ptr<BIO, OpensslDeleter<BIO_free>>;

}  // namespace chorus::media
