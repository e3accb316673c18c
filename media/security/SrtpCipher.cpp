// NOTE: SHA1_Init/Update/Final are deprecated in OpenSSL 3.0 but are the only zero-allocation
// SHA-1 it offers (see SrtpCipher.h); this file alone opts in to them.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "media/security/SrtpCipher.h"

#include <algorithm>
#include <array>
#include <new>
#include <stdexcept>

#include <openssl/crypto.h>

#include "media/wire/ByteOrder.h"

namespace chorus::media {
namespace {

constexpr std::size_t kGcmTagBytes = 16;   // RFC 7714 §12: 16-octet authentication tag
constexpr std::size_t kHmacTagBytes = 10;  // RFC 3711 §5.2: HMAC-SHA1 truncated to 80 bits
constexpr std::size_t kGcmIvBytes = 12;
constexpr std::size_t kCtrIvBytes = 16;
constexpr std::size_t kRtcpHeaderBytes = 8;  // RFC 3711 §3.4: header + sender SSRC stay clear
constexpr std::size_t kShaBlockBytes = 64;
constexpr std::uint32_t kEncryptedFlag = 0x80000000U;

using GcmIv = std::array<std::uint8_t, kGcmIvBytes>;
using CtrIv = std::array<std::uint8_t, kCtrIvBytes>;

// RFC 7714 §8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt.
GcmIv gcmRtpIv(std::span<const std::uint8_t> salt, std::uint32_t ssrc, std::uint64_t index) {
  GcmIv iv{};
  storeBe32(iv, 2, ssrc);
  storeBe32(iv, 6, static_cast<std::uint32_t>(index >> 16));
  storeBe16(iv, 10, static_cast<std::uint16_t>(index));
  for (std::size_t i = 0; i < iv.size(); ++i) {
    iv[i] ^= salt[i];
  }
  return iv;
}

// RFC 7714 §9.1: IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt.
GcmIv gcmRtcpIv(std::span<const std::uint8_t> salt, std::uint32_t ssrc, std::uint32_t index) {
  GcmIv iv{};
  storeBe32(iv, 2, ssrc);
  storeBe32(iv, 8, index);
  for (std::size_t i = 0; i < iv.size(); ++i) {
    iv[i] ^= salt[i];
  }
  return iv;
}

// RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), i the 48-bit index.
CtrIv ctrIv(std::span<const std::uint8_t> salt, std::uint32_t ssrc, std::uint64_t index) {
  CtrIv iv{};
  storeBe32(iv, 4, ssrc);
  storeBe16(iv, 8, static_cast<std::uint16_t>(index >> 32));
  storeBe32(iv, 10, static_cast<std::uint32_t>(index));
  for (std::size_t i = 0; i < kMaxSrtpSaltBytes; ++i) {
    iv[i] ^= salt[i];
  }
  return iv;
}

const EVP_CIPHER* cipherOf(SrtpProfile profile) {
  switch (profile) {
    case SrtpProfile::kAes128CmSha1Tag80:
      return EVP_aes_128_ctr();
    case SrtpProfile::kAeadAes128Gcm:
      return EVP_aes_128_gcm();
    case SrtpProfile::kAeadAes256Gcm:
      return EVP_aes_256_gcm();
  }
  return nullptr;
}

int lengthOf(std::span<const std::uint8_t> bytes) {
  return static_cast<int>(bytes.size());
}

}  // namespace

SrtpCipher::SrtpCipher(SrtpProfile profile, const SrtpSessionKeys& keys)
    : gcm_(profile != SrtpProfile::kAes128CmSha1Tag80),
      tagBytes_(gcm_ ? kGcmTagBytes : kHmacTagBytes),
      salt_(keys.salt),
      cipher_(EVP_CIPHER_CTX_new()) {
  if (!cipher_) {
    throw std::bad_alloc();
  }
  // The key is set once here; per packet only the IV changes (EVP_CipherInit_ex with no key).
  if (EVP_CipherInit_ex(cipher_.get(), cipherOf(profile), nullptr, keys.encryptionKey.data(),
                        nullptr, 1) != 1 ||
      (gcm_ && EVP_CIPHER_CTX_ctrl(cipher_.get(), EVP_CTRL_GCM_SET_IVLEN,
                                   static_cast<int>(kGcmIvBytes), nullptr) != 1)) {
    throw std::runtime_error("SRTP: OpenSSL cipher set-up failed");
  }
  if (!gcm_) {
    // RFC 2104: HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)); the two pad blocks are
    // hashed once here, so a packet costs only the blocks of its own bytes.
    std::array<std::uint8_t, kShaBlockBytes> innerBlock{};
    std::array<std::uint8_t, kShaBlockBytes> outerBlock{};
    for (std::size_t i = 0; i < kShaBlockBytes; ++i) {
      const std::uint8_t keyByte = i < keys.authKey.size() ? keys.authKey[i] : 0;
      innerBlock[i] = keyByte ^ 0x36U;
      outerBlock[i] = keyByte ^ 0x5cU;
    }
    SHA1_Init(&innerPad_);
    SHA1_Update(&innerPad_, innerBlock.data(), innerBlock.size());
    SHA1_Init(&outerPad_);
    SHA1_Update(&outerPad_, outerBlock.data(), outerBlock.size());
    OPENSSL_cleanse(innerBlock.data(), innerBlock.size());
    OPENSSL_cleanse(outerBlock.data(), outerBlock.size());
  }
}

std::size_t SrtpCipher::rtcpTrailerAt(std::size_t length) const noexcept {
  return gcm_ ? length - kRtcpTrailerBytes : length - tagBytes_ - kRtcpTrailerBytes;
}

bool SrtpCipher::protectRtp(std::span<std::uint8_t> buffer, std::size_t headerBytes,
                            std::size_t length, std::uint32_t ssrc, std::uint64_t index) noexcept {
  const auto header = buffer.first(headerBytes);
  const auto payload = buffer.subspan(headerBytes, length - headerBytes);
  const auto tag = buffer.subspan(length, tagBytes_);
  if (gcm_) {
    // RFC 7714 §8.2: the whole RTP header, extensions included, is the additional data.
    return gcmEncrypt(gcmRtpIv(salt_, ssrc, index), header, {}, payload, tag);
  }
  if (!ctrCrypt(ctrIv(salt_, ssrc, index), payload)) {
    return false;
  }
  // RFC 3711 §4.2: the tag covers the header, the encrypted payload and the ROC.
  std::array<std::uint8_t, 4> roc{};
  storeBe32(roc, 0, static_cast<std::uint32_t>(index >> 16));
  hmac(buffer.first(length), roc, tag);
  return true;
}

bool SrtpCipher::unprotectRtp(std::span<std::uint8_t> buffer, std::size_t headerBytes,
                              std::size_t length, std::uint32_t ssrc,
                              std::uint64_t index) noexcept {
  const std::size_t sealedLength = length - tagBytes_;
  const auto header = buffer.first(headerBytes);
  const auto payload = buffer.subspan(headerBytes, sealedLength - headerBytes);
  const auto tag = buffer.subspan(sealedLength, tagBytes_);
  if (gcm_) {
    return gcmDecrypt(gcmRtpIv(salt_, ssrc, index), header, {}, payload, tag);
  }
  std::array<std::uint8_t, 4> roc{};
  storeBe32(roc, 0, static_cast<std::uint32_t>(index >> 16));
  std::array<std::uint8_t, kHmacTagBytes> expected{};
  hmac(buffer.first(sealedLength), roc, expected);
  // Authenticate before decrypting (RFC 3711 §3.3 step 5), in constant time.
  if (CRYPTO_memcmp(expected.data(), tag.data(), expected.size()) != 0) {
    return false;
  }
  return ctrCrypt(ctrIv(salt_, ssrc, index), payload);
}

bool SrtpCipher::protectRtcp(std::span<std::uint8_t> buffer, std::size_t length, std::uint32_t ssrc,
                             std::uint32_t index) noexcept {
  const auto header = buffer.first(kRtcpHeaderBytes);
  const auto payload = buffer.subspan(kRtcpHeaderBytes, length - kRtcpHeaderBytes);
  const std::uint32_t trailerWord = kEncryptedFlag | index;
  if (gcm_) {
    // RFC 7714 §9.1: ciphertext || tag || E + SRTCP index; the index word is additional data.
    const auto tag = buffer.subspan(length, tagBytes_);
    const auto trailer = buffer.subspan(length + tagBytes_, kRtcpTrailerBytes);
    storeBe32(trailer, 0, trailerWord);
    return gcmEncrypt(gcmRtcpIv(salt_, ssrc, index), header, trailer, payload, tag);
  }
  // RFC 3711 §3.4: ciphertext || E + SRTCP index || tag, the tag covering all before it.
  if (!ctrCrypt(ctrIv(salt_, ssrc, index), payload)) {
    return false;
  }
  storeBe32(buffer, length, trailerWord);
  hmac(buffer.first(length + kRtcpTrailerBytes), {},
       buffer.subspan(length + kRtcpTrailerBytes, tagBytes_));
  return true;
}

bool SrtpCipher::unprotectRtcp(std::span<std::uint8_t> buffer, std::size_t length,
                               std::uint32_t ssrc, std::uint32_t index) noexcept {
  const auto header = buffer.first(kRtcpHeaderBytes);
  const std::size_t trailerAt = rtcpTrailerAt(length);
  if (gcm_) {
    const std::size_t tagAt = trailerAt - tagBytes_;
    const auto payload = buffer.subspan(kRtcpHeaderBytes, tagAt - kRtcpHeaderBytes);
    return gcmDecrypt(gcmRtcpIv(salt_, ssrc, index), header,
                      buffer.subspan(trailerAt, kRtcpTrailerBytes), payload,
                      buffer.subspan(tagAt, tagBytes_));
  }
  const std::size_t tagAt = trailerAt + kRtcpTrailerBytes;
  std::array<std::uint8_t, kHmacTagBytes> expected{};
  hmac(buffer.first(tagAt), {}, expected);
  if (CRYPTO_memcmp(expected.data(), buffer.subspan(tagAt).data(), expected.size()) != 0) {
    return false;
  }
  return ctrCrypt(ctrIv(salt_, ssrc, index),
                  buffer.subspan(kRtcpHeaderBytes, trailerAt - kRtcpHeaderBytes));
}

bool SrtpCipher::gcmEncrypt(std::span<const std::uint8_t, 12> iv, std::span<const std::uint8_t> aad,
                            std::span<const std::uint8_t> aadTail, std::span<std::uint8_t> data,
                            std::span<std::uint8_t> tag) noexcept {
  EVP_CIPHER_CTX* context = cipher_.get();
  int written = 0;
  std::array<std::uint8_t, kGcmTagBytes> finalBlock{};
  return EVP_CipherInit_ex(context, nullptr, nullptr, nullptr, iv.data(), 1) == 1 &&
         EVP_CipherUpdate(context, nullptr, &written, aad.data(), lengthOf(aad)) == 1 &&
         (aadTail.empty() ||
          EVP_CipherUpdate(context, nullptr, &written, aadTail.data(), lengthOf(aadTail)) == 1) &&
         (data.empty() ||
          EVP_CipherUpdate(context, data.data(), &written, data.data(), lengthOf(data)) == 1) &&
         EVP_CipherFinal_ex(context, finalBlock.data(), &written) == 1 &&
         EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag.size()),
                             tag.data()) == 1;
}

bool SrtpCipher::gcmDecrypt(std::span<const std::uint8_t, 12> iv, std::span<const std::uint8_t> aad,
                            std::span<const std::uint8_t> aadTail, std::span<std::uint8_t> data,
                            std::span<const std::uint8_t> tag) noexcept {
  EVP_CIPHER_CTX* context = cipher_.get();
  int written = 0;
  std::array<std::uint8_t, kGcmTagBytes> expectedTag{};
  std::copy(tag.begin(), tag.end(), expectedTag.begin());
  std::array<std::uint8_t, kGcmTagBytes> finalBlock{};
  // EVP_CipherFinal_ex checks the tag (in constant time) and fails if it does not match.
  return EVP_CipherInit_ex(context, nullptr, nullptr, nullptr, iv.data(), 0) == 1 &&
         EVP_CipherUpdate(context, nullptr, &written, aad.data(), lengthOf(aad)) == 1 &&
         (aadTail.empty() ||
          EVP_CipherUpdate(context, nullptr, &written, aadTail.data(), lengthOf(aadTail)) == 1) &&
         (data.empty() ||
          EVP_CipherUpdate(context, data.data(), &written, data.data(), lengthOf(data)) == 1) &&
         EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, static_cast<int>(expectedTag.size()),
                             expectedTag.data()) == 1 &&
         EVP_CipherFinal_ex(context, finalBlock.data(), &written) == 1;
}

bool SrtpCipher::ctrCrypt(std::span<const std::uint8_t, 16> iv,
                          std::span<std::uint8_t> data) noexcept {
  EVP_CIPHER_CTX* context = cipher_.get();
  int written = 0;
  return EVP_CipherInit_ex(context, nullptr, nullptr, nullptr, iv.data(), 1) == 1 &&
         (data.empty() ||
          EVP_CipherUpdate(context, data.data(), &written, data.data(), lengthOf(data)) == 1);
}

void SrtpCipher::hmac(std::span<const std::uint8_t> message, std::span<const std::uint8_t> tail,
                      std::span<std::uint8_t> tag) const noexcept {
  std::array<std::uint8_t, SHA_DIGEST_LENGTH> digest{};
  SHA_CTX state = innerPad_;
  SHA1_Update(&state, message.data(), message.size());
  SHA1_Update(&state, tail.data(), tail.size());
  SHA1_Final(digest.data(), &state);
  state = outerPad_;
  SHA1_Update(&state, digest.data(), digest.size());
  SHA1_Final(digest.data(), &state);
  std::copy_n(digest.begin(), tag.size(), tag.begin());
}

}  // namespace chorus::media
