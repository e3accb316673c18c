#include "signaling/auth/ApplicationRegistry.h"

#include <stdexcept>

namespace chorus::signaling {

void ApplicationRegistry::checkSecret(std::string_view secret) {
  if (secret.size() < kMinSecretBytes) {
    throw std::invalid_argument("the secret must be at least " + std::to_string(kMinSecretBytes) +
                                " bytes (RFC 7518 §3.2), not " + std::to_string(secret.size()));
  }
}

void ApplicationRegistry::add(std::string key, std::string secret) {
  if (key.empty() || key.size() > kMaxKeyBytes) {
    throw std::invalid_argument("an application key must be 1 to " + std::to_string(kMaxKeyBytes) +
                                " bytes");
  }
  checkSecret(secret);
  if (secrets_.contains(key)) {
    throw std::invalid_argument("application key \"" + key + "\" is configured twice");
  }
  secrets_.emplace(std::move(key), std::move(secret));
}

std::optional<std::string_view> ApplicationRegistry::secretOf(std::string_view key) const {
  const auto found = secrets_.find(key);
  if (found == secrets_.end()) {
    return std::nullopt;
  }
  return found->second;
}

}  // namespace chorus::signaling
