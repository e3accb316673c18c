#include "signaling/auth/Hs256.h"

#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace chorus::signaling {

Hs256::Signature Hs256::sign(std::string_view key, std::string_view signingInput) {
  Signature signature{};
  unsigned length = 0;
  // HMAC() with a null key pointer would mean "reuse the previous key"; an empty key is "".
  const char* keyBytes = key.empty() ? "" : key.data();
  if (HMAC(EVP_sha256(), keyBytes, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(signingInput.data()), signingInput.size(),
           signature.data(), &length) == nullptr ||
      length != kSignatureBytes) {
    throw std::runtime_error("HMAC-SHA256 failed in OpenSSL");
  }
  return signature;
}

bool Hs256::verify(std::string_view key, std::string_view signingInput,
                   std::span<const std::uint8_t> signature) {
  if (signature.size() != kSignatureBytes) {
    return false;  // the length of an HS256 MAC is public, not a secret to hide
  }
  const Signature expected = sign(key, signingInput);
  return CRYPTO_memcmp(expected.data(), signature.data(), kSignatureBytes) == 0;
}

}  // namespace chorus::signaling
