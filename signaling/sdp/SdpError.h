#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace chorus::signaling {

// Why a session description was rejected. Stable names (toString) for logs and metrics.
enum class SdpErrorReason : std::uint8_t {
  kNone,
  kTooLarge,              // over SdpLimits::maxBytes
  kTooManyLines,          // over SdpLimits::maxLines
  kTooManyMediaSections,  // over SdpLimits::maxMediaSections
  kBadLine,               // not "<letter>=<value>", or a NUL or stray CR in it
  kUnknownLineType,       // RFC 8866 §5: a type letter we do not understand
  kUnexpectedLine,        // a known type where it is not allowed (a second v=, t= in media)
  kMissingVersion,        // the first line is not v=
  kBadVersion,            // v= other than 0
  kMissingOrigin,         // the second line is not o=
  kBadOrigin,
  kMissingSessionName,  // the third line is not s=
  kMissingTiming,       // no t= before the first m=
  kBadMediaLine,
  kBadAttribute,        // empty name, or a value on a flag attribute
  kDuplicateAttribute,  // a single-valued attribute repeated in one section
  kBadGroup,
  kBadIceAttribute,  // empty ice-ufrag, ice-pwd, ice-options or candidate
  kBadFingerprint,
  kBadSetup,
  kBadMid,
  kBadRtpMap,
  kBadFmtp,
  kBadRtcpFeedback,
  kBadExtmap,
  kBadMsid,
  kBadSsrc,
  kBadSsrcGroup,
  kBadRid,
  kBadSimulcast,
  kBadSctp,  // sctp-port or max-message-size
};

// A rejection: the reason and the 1-based line it was found on (0 when it concerns the whole
// text, like kTooLarge).
struct SdpError {
  SdpErrorReason reason = SdpErrorReason::kNone;
  std::size_t line = 0;

  friend bool operator==(const SdpError&, const SdpError&) = default;
};

std::string_view toString(SdpErrorReason reason) noexcept;

}  // namespace chorus::signaling
