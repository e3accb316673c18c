#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "media/security/SrtpCipher.h"
#include "media/security/SrtpProfile.h"
#include "media/security/SrtpResult.h"
#include "media/security/SrtpStreamTable.h"

namespace chorus::media {

// One direction of SRTP/SRTCP under one master key (RFC 3711 §3.2's cryptographic context,
// shared by every SSRC of the direction as DTLS-SRTP keys them, RFC 5764 §4.2): session keys
// derived once, the RTP and RTCP transforms, and per-SSRC index and replay state.
//
// Use a context for one direction only: an outbound one protects, an inbound one unprotects.
// Protecting never checks for replay, so a retransmission of a sequence number protects again
// (to the same bytes: same index, same keystream). Unprotecting estimates the ROC (RFC 3711
// §3.3.1) and rejects replays; an SSRC gets a table entry only once one of its packets has
// authenticated, so forged packets cannot fill the table.
//
// Everything works in place: protect needs room for overhead bytes after the packet.
// Nothing on these paths allocates, locks, throws or logs.
class SrtpContext {
 public:
  static constexpr std::size_t kDefaultMaxStreams = 64;

  SrtpContext(SrtpProfile profile, const SrtpMasterKey& masterKey,
              std::size_t maxStreams = kDefaultMaxStreams);

  SrtpResult protectRtp(std::span<std::uint8_t> buffer, std::size_t length) noexcept;
  SrtpResult unprotectRtp(std::span<std::uint8_t> buffer, std::size_t length) noexcept;
  SrtpResult protectRtcp(std::span<std::uint8_t> buffer, std::size_t length) noexcept;
  SrtpResult unprotectRtcp(std::span<std::uint8_t> buffer, std::size_t length) noexcept;

  // Bytes protectRtp / protectRtcp append.
  std::size_t rtpOverhead() const noexcept { return rtp_.rtpOverhead(); }
  std::size_t rtcpOverhead() const noexcept { return rtcp_.rtcpOverhead(); }

  // Packets refused, by reason; read by the owner's metrics, off the packet path.
  std::uint64_t drops(SrtpError reason) const noexcept {
    return drops_[static_cast<std::size_t>(reason)];
  }
  std::size_t streamCount() const noexcept { return streams_.size(); }

 private:
  SrtpResult refuse(SrtpError reason) noexcept;

  SrtpCipher rtp_;
  SrtpCipher rtcp_;
  SrtpStreamTable streams_;
  std::array<std::uint64_t, kSrtpErrorCount> drops_{};
};

}  // namespace chorus::media
