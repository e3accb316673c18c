// OpenSSL 3 deprecates the low-level digest functions in favour of EVP, whose contexts allocate
// per use; see the NOTE in the header for why this file needs them.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "media/wire/StunIntegrityKey.h"

#include <algorithm>
#include <cstring>

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace chorus::media {
namespace {

// RFC 2104 §2: B, the SHA-1 block size, and the inner and outer pad bytes.
constexpr std::size_t kBlockSize = SHA_CBLOCK;
constexpr std::uint8_t kInnerPad = 0x36;
constexpr std::uint8_t kOuterPad = 0x5C;

template <std::size_t N>
SHA_CTX loadState(const std::array<std::uint8_t, N>& bytes) noexcept {
  static_assert(N == sizeof(SHA_CTX));
  SHA_CTX state;
  std::memcpy(&state, bytes.data(), sizeof state);
  return state;
}

template <std::size_t N>
void storeState(const SHA_CTX& state, std::array<std::uint8_t, N>& bytes) noexcept {
  static_assert(N == sizeof(SHA_CTX));
  std::memcpy(bytes.data(), &state, sizeof state);
}

}  // namespace

StunIntegrityKey::StunIntegrityKey(std::span<const std::uint8_t> key) noexcept {
  // RFC 2104 §2: a key longer than the block is hashed first; a shorter one is zero-padded.
  // (OpenSSL 3's one-shot SHA1() goes through EVP and allocates; SHA1_Init/Update/Final do not.)
  std::array<std::uint8_t, kBlockSize> block{};
  SHA_CTX state;
  if (key.size() > kBlockSize) {
    SHA1_Init(&state);
    SHA1_Update(&state, key.data(), key.size());
    SHA1_Final(block.data(), &state);
  } else {
    std::copy(key.begin(), key.end(), block.begin());
  }
  std::array<std::uint8_t, kBlockSize> pad{};

  for (std::size_t i = 0; i < kBlockSize; ++i) {
    pad[i] = block[i] ^ kInnerPad;
  }
  SHA1_Init(&state);
  SHA1_Update(&state, pad.data(), pad.size());
  storeState(state, innerState_);

  for (std::size_t i = 0; i < kBlockSize; ++i) {
    pad[i] = block[i] ^ kOuterPad;
  }
  SHA1_Init(&state);
  SHA1_Update(&state, pad.data(), pad.size());
  storeState(state, outerState_);

  OPENSSL_cleanse(block.data(), block.size());
  OPENSSL_cleanse(pad.data(), pad.size());
  OPENSSL_cleanse(&state, sizeof state);
}

StunIntegrityKey::StunIntegrityKey(std::string_view password) noexcept
    : StunIntegrityKey(
          std::span(reinterpret_cast<const std::uint8_t*>(password.data()), password.size())) {}

StunIntegrityDigest StunIntegrityKey::hmac(
    std::initializer_list<std::span<const std::uint8_t>> parts) const noexcept {
  StunIntegrityDigest innerDigest{};
  SHA_CTX inner = loadState(innerState_);
  for (const auto part : parts) {
    SHA1_Update(&inner, part.data(), part.size());
  }
  SHA1_Final(innerDigest.data(), &inner);

  StunIntegrityDigest digest{};
  SHA_CTX outer = loadState(outerState_);
  SHA1_Update(&outer, innerDigest.data(), innerDigest.size());
  SHA1_Final(digest.data(), &outer);
  return digest;
}

}  // namespace chorus::media
