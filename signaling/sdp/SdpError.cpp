#include "signaling/sdp/SdpError.h"

namespace chorus::signaling {

std::string_view toString(SdpErrorReason reason) noexcept {
  switch (reason) {
    case SdpErrorReason::kNone:
      return "none";
    case SdpErrorReason::kTooLarge:
      return "too_large";
    case SdpErrorReason::kTooManyLines:
      return "too_many_lines";
    case SdpErrorReason::kTooManyMediaSections:
      return "too_many_media_sections";
    case SdpErrorReason::kBadLine:
      return "bad_line";
    case SdpErrorReason::kUnknownLineType:
      return "unknown_line_type";
    case SdpErrorReason::kUnexpectedLine:
      return "unexpected_line";
    case SdpErrorReason::kMissingVersion:
      return "missing_version";
    case SdpErrorReason::kBadVersion:
      return "bad_version";
    case SdpErrorReason::kMissingOrigin:
      return "missing_origin";
    case SdpErrorReason::kBadOrigin:
      return "bad_origin";
    case SdpErrorReason::kMissingSessionName:
      return "missing_session_name";
    case SdpErrorReason::kMissingTiming:
      return "missing_timing";
    case SdpErrorReason::kBadMediaLine:
      return "bad_media_line";
    case SdpErrorReason::kBadAttribute:
      return "bad_attribute";
    case SdpErrorReason::kDuplicateAttribute:
      return "duplicate_attribute";
    case SdpErrorReason::kBadGroup:
      return "bad_group";
    case SdpErrorReason::kBadIceAttribute:
      return "bad_ice_attribute";
    case SdpErrorReason::kBadFingerprint:
      return "bad_fingerprint";
    case SdpErrorReason::kBadSetup:
      return "bad_setup";
    case SdpErrorReason::kBadMid:
      return "bad_mid";
    case SdpErrorReason::kBadRtpMap:
      return "bad_rtpmap";
    case SdpErrorReason::kBadFmtp:
      return "bad_fmtp";
    case SdpErrorReason::kBadRtcpFeedback:
      return "bad_rtcp_fb";
    case SdpErrorReason::kBadExtmap:
      return "bad_extmap";
    case SdpErrorReason::kBadMsid:
      return "bad_msid";
    case SdpErrorReason::kBadSsrc:
      return "bad_ssrc";
    case SdpErrorReason::kBadSsrcGroup:
      return "bad_ssrc_group";
    case SdpErrorReason::kBadRid:
      return "bad_rid";
    case SdpErrorReason::kBadSimulcast:
      return "bad_simulcast";
    case SdpErrorReason::kBadSctp:
      return "bad_sctp";
  }
  return "unknown";
}

}  // namespace chorus::signaling
