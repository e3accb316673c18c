#include "media/ice/IceCredentials.h"

#include <array>
#include <stdexcept>
#include <string_view>

#include <openssl/rand.h>

namespace chorus::media {
namespace {

constexpr std::string_view kIceChars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::size_t kUfragLength = 16;  // RFC 8839: at least 4 characters, 24 bits of entropy
constexpr std::size_t kPwdLength = 32;    // RFC 8839: at least 22 characters, 128 bits

std::string randomIceString(std::size_t length) {
  std::array<unsigned char, kPwdLength> random{};
  if (RAND_bytes(random.data(), static_cast<int>(length)) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed: no entropy for ICE credentials");
  }
  std::string text(length, '\0');
  for (std::size_t i = 0; i < length; ++i) {
    // 64 characters: the low 6 bits of a uniform byte are uniform.
    text[i] = kIceChars[random[i] & 0x3f];
  }
  return text;
}

}  // namespace

IceCredentials IceCredentials::generate() {
  return {randomIceString(kUfragLength), randomIceString(kPwdLength)};
}

}  // namespace chorus::media
