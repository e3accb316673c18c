#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <openssl/types.h>

namespace chorus::media {

// The hash functions of RFC 8122 §5 that Chorus accepts for a=fingerprint. RFC 8122 §5 says new
// endpoints use SHA-256 or stronger; browsers announce sha-256.
enum class DtlsHashFunction : std::uint8_t {
  kSha256,
  kSha384,
  kSha512,
};

// A certificate fingerprint as SDP carries it (RFC 8122 §5):
//   a=fingerprint:sha-256 4A:AD:B9:...:1C   (hash function, then the digest as colon-separated
//                                           upper-case hex bytes)
class DtlsFingerprint {
 public:
  static constexpr std::size_t kMaxDigestBytes = 64;

  // The attribute value after "a=fingerprint:". The hash name is case-insensitive (RFC 4572
  // §5 token); hex digits are accepted in either case, the digest length must match the hash.
  static std::optional<DtlsFingerprint> parse(std::string_view sdpValue);

  // The digest of a certificate's DER encoding (RFC 8122 §5). Empty only if OpenSSL fails.
  static std::optional<DtlsFingerprint> of(const X509& certificate, DtlsHashFunction hash);

  DtlsFingerprint(DtlsHashFunction hash, std::span<const std::uint8_t> digest) noexcept;

  DtlsHashFunction hashFunction() const noexcept { return hash_; }
  std::span<const std::uint8_t> digest() const noexcept { return {digest_.data(), size_}; }

  // "sha-256 AB:CD:...", ready for "a=fingerprint:".
  std::string toSdp() const;

  friend bool operator==(const DtlsFingerprint& a, const DtlsFingerprint& b) noexcept;

 private:
  DtlsHashFunction hash_;
  std::array<std::uint8_t, kMaxDigestBytes> digest_{};
  std::size_t size_;
};

std::string_view toString(DtlsHashFunction hash) noexcept;
std::size_t digestSizeOf(DtlsHashFunction hash) noexcept;

}  // namespace chorus::media
