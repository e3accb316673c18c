#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "media/security/SrtpContext.h"
#include "media/security/SrtpProfile.h"
#include "media/security/SrtpResult.h"

namespace chorus::media {

// A transport's SRTP: what we send is protected under our (local) master key, what we receive
// is unprotected under the peer's (remote) one, as DTLS-SRTP exports them (RFC 5764 §4.2).
class SrtpSession {
 public:
  explicit SrtpSession(const SrtpKeyMaterial& keys,
                       std::size_t maxStreams = SrtpContext::kDefaultMaxStreams);

  SrtpResult protectRtp(std::span<std::uint8_t> buffer, std::size_t length) noexcept {
    return outbound_.protectRtp(buffer, length);
  }
  SrtpResult unprotectRtp(std::span<std::uint8_t> buffer, std::size_t length) noexcept {
    return inbound_.unprotectRtp(buffer, length);
  }
  SrtpResult protectRtcp(std::span<std::uint8_t> buffer, std::size_t length) noexcept {
    return outbound_.protectRtcp(buffer, length);
  }
  SrtpResult unprotectRtcp(std::span<std::uint8_t> buffer, std::size_t length) noexcept {
    return inbound_.unprotectRtcp(buffer, length);
  }

  const SrtpContext& outbound() const noexcept { return outbound_; }
  const SrtpContext& inbound() const noexcept { return inbound_; }

 private:
  SrtpContext outbound_;
  SrtpContext inbound_;
};

}  // namespace chorus::media
