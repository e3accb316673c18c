#include "media/security/SrtpKeyDerivation.h"

#include <memory>
#include <span>
#include <stdexcept>

#include <openssl/evp.h>

namespace chorus::media {
namespace {

// RFC 3711 §4.3.2 (SRTP) and §4.3.2/§3.4 (SRTCP) key derivation labels.
struct SrtpLabels {
  std::uint8_t encryption;
  std::uint8_t auth;
  std::uint8_t salt;
};
constexpr SrtpLabels kRtpLabels{0x00, 0x01, 0x02};
constexpr SrtpLabels kRtcpLabels{0x03, 0x04, 0x05};

// key_id = label || r, 56 bits aligned to the right of the 112-bit salt (RFC 3711 §4.3.1):
// with r = 0 only the label byte is non-zero, at byte 7 of the salt.
constexpr std::size_t kLabelByte = 7;
constexpr std::size_t kPrfIvBytes = 16;

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* context) const noexcept { EVP_CIPHER_CTX_free(context); }
};

// The AES-CM PRF: the first out.size() keystream bytes for IV = (salt XOR key_id) * 2^16.
void prf(std::span<const std::uint8_t> masterKey,
         const std::array<std::uint8_t, kMaxSrtpSaltBytes>& salt, std::uint8_t label,
         std::span<std::uint8_t> out) {
  std::array<std::uint8_t, kPrfIvBytes> iv{};
  for (std::size_t i = 0; i < salt.size(); ++i) {
    iv[i] = salt[i];
  }
  iv[kLabelByte] ^= label;
  const EVP_CIPHER* cipher = masterKey.size() == 32 ? EVP_aes_256_ctr() : EVP_aes_128_ctr();
  const std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> context(EVP_CIPHER_CTX_new());
  if (!context) {
    throw std::bad_alloc();
  }
  // Encrypting zeros in CTR mode yields the keystream itself.
  std::array<std::uint8_t, kMaxSrtpKeyBytes> zeros{};
  int written = 0;
  if (EVP_EncryptInit_ex(context.get(), cipher, nullptr, masterKey.data(), iv.data()) != 1 ||
      EVP_EncryptUpdate(context.get(), out.data(), &written, zeros.data(),
                        static_cast<int>(out.size())) != 1) {
    throw std::runtime_error("SRTP key derivation: AES-CM PRF failed");
  }
}

}  // namespace

SrtpSessionKeys deriveSessionKeys(SrtpProfile profile, const SrtpMasterKey& master,
                                  SrtpKeyUse use) {
  const SrtpProfileSizes sizes = sizesOf(profile);
  const SrtpLabels labels = use == SrtpKeyUse::kRtp ? kRtpLabels : kRtcpLabels;
  const std::span<const std::uint8_t> masterKey = std::span(master.key).first(sizes.keyBytes);
  // A 96-bit GCM master salt is zero-padded to the 112 bits the PRF takes (RFC 7714 §11).
  std::array<std::uint8_t, kMaxSrtpSaltBytes> salt{};
  for (std::size_t i = 0; i < sizes.saltBytes; ++i) {
    salt[i] = master.salt[i];
  }
  SrtpSessionKeys keys;
  prf(masterKey, salt, labels.encryption, std::span(keys.encryptionKey).first(sizes.keyBytes));
  prf(masterKey, salt, labels.salt, std::span(keys.salt).first(sizes.saltBytes));
  if (profile == SrtpProfile::kAes128CmSha1Tag80) {
    prf(masterKey, salt, labels.auth, keys.authKey);
  }
  return keys;
}

}  // namespace chorus::media
