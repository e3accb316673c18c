#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace chorus::signaling {

// The applications allowed to issue access tokens: application key -> shared HS256 secret.
// A value: the token verifier keeps its own copy.
class ApplicationRegistry {
 public:
  // RFC 7518 §3.2: an HS256 key must be at least as long as the hash output, 256 bits.
  static constexpr std::size_t kMinSecretBytes = 32;
  static constexpr std::size_t kMaxKeyBytes = 256;

  // Throws std::invalid_argument for an empty or over-long key, a key already present, or a
  // secret shorter than kMinSecretBytes: configuration mistakes, reported at start.
  void add(std::string key, std::string secret);

  // The secret rules of add(), for a secret used without a registry (minting); throws
  // std::invalid_argument.
  static void checkSecret(std::string_view secret);

  std::optional<std::string_view> secretOf(std::string_view key) const;
  std::size_t size() const noexcept { return secrets_.size(); }

 private:
  std::map<std::string, std::string, std::less<>> secrets_;
};

}  // namespace chorus::signaling
