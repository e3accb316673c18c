#include "media/security/DtlsFingerprint.h"

#include <algorithm>
#include <cctype>

#include <openssl/evp.h>
#include <openssl/x509.h>

namespace chorus::media {
namespace {

constexpr std::array kHashFunctions{DtlsHashFunction::kSha256, DtlsHashFunction::kSha384,
                                    DtlsHashFunction::kSha512};

const EVP_MD* digestOf(DtlsHashFunction hash) noexcept {
  switch (hash) {
    case DtlsHashFunction::kSha256:
      return EVP_sha256();
    case DtlsHashFunction::kSha384:
      return EVP_sha384();
    case DtlsHashFunction::kSha512:
      return EVP_sha512();
  }
  return nullptr;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::optional<std::uint8_t> hexValue(char digit) noexcept {
  if (digit >= '0' && digit <= '9') {
    return static_cast<std::uint8_t>(digit - '0');
  }
  if (digit >= 'A' && digit <= 'F') {
    return static_cast<std::uint8_t>(digit - 'A' + 10);
  }
  if (digit >= 'a' && digit <= 'f') {
    return static_cast<std::uint8_t>(digit - 'a' + 10);
  }
  return std::nullopt;
}

}  // namespace

std::string_view toString(DtlsHashFunction hash) noexcept {
  switch (hash) {
    case DtlsHashFunction::kSha256:
      return "sha-256";
    case DtlsHashFunction::kSha384:
      return "sha-384";
    case DtlsHashFunction::kSha512:
      return "sha-512";
  }
  return "";
}

std::size_t digestSizeOf(DtlsHashFunction hash) noexcept {
  switch (hash) {
    case DtlsHashFunction::kSha256:
      return 32;
    case DtlsHashFunction::kSha384:
      return 48;
    case DtlsHashFunction::kSha512:
      return 64;
  }
  return 0;
}

DtlsFingerprint::DtlsFingerprint(DtlsHashFunction hash,
                                 std::span<const std::uint8_t> digest) noexcept
    : hash_(hash), size_(std::min(digest.size(), kMaxDigestBytes)) {
  std::copy_n(digest.begin(), size_, digest_.begin());
}

std::optional<DtlsFingerprint> DtlsFingerprint::parse(std::string_view sdpValue) {
  // RFC 8122 §5: fingerprint-attribute = "fingerprint" ":" hash-func SP fingerprint
  const auto space = sdpValue.find(' ');
  if (space == std::string_view::npos) {
    return std::nullopt;
  }
  const auto name = sdpValue.substr(0, space);
  const auto hex = sdpValue.substr(space + 1);
  const auto* hash = std::find_if(kHashFunctions.begin(), kHashFunctions.end(),
                                  [name](auto h) { return equalsIgnoringCase(name, toString(h)); });
  if (hash == kHashFunctions.end()) {
    return std::nullopt;
  }
  // Each byte is two hex digits; bytes are separated by ':' (so 3n - 1 characters).
  const std::size_t size = digestSizeOf(*hash);
  if (hex.size() != 3 * size - 1) {
    return std::nullopt;
  }
  std::array<std::uint8_t, kMaxDigestBytes> digest{};
  for (std::size_t i = 0; i < size; ++i) {
    const auto high = hexValue(hex[3 * i]);
    const auto low = hexValue(hex[3 * i + 1]);
    if (!high || !low || (i + 1 < size && hex[3 * i + 2] != ':')) {
      return std::nullopt;
    }
    digest[i] = static_cast<std::uint8_t>(*high << 4U | *low);
  }
  return DtlsFingerprint(*hash, std::span(digest).first(size));
}

std::optional<DtlsFingerprint> DtlsFingerprint::of(const X509& certificate, DtlsHashFunction hash) {
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (X509_digest(&certificate, digestOf(hash), digest.data(), &size) != 1 ||
      size != digestSizeOf(hash)) {
    return std::nullopt;
  }
  return DtlsFingerprint(hash, std::span(digest).first(size));
}

std::string DtlsFingerprint::toSdp() const {
  constexpr std::string_view kHexDigits = "0123456789ABCDEF";
  std::string sdp(toString(hash_));
  sdp.reserve(sdp.size() + 3 * size_);
  for (std::size_t i = 0; i < size_; ++i) {
    sdp.push_back(i == 0 ? ' ' : ':');
    sdp.push_back(kHexDigits[digest_[i] >> 4U]);
    sdp.push_back(kHexDigits[digest_[i] & 0x0fU]);
  }
  return sdp;
}

bool operator==(const DtlsFingerprint& a, const DtlsFingerprint& b) noexcept {
  return a.hash_ == b.hash_ && std::ranges::equal(a.digest(), b.digest());
}

}  // namespace chorus::media
