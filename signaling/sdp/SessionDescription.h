#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signaling/sdp/MediaDescription.h"
#include "signaling/sdp/SdpAttributes.h"
#include "signaling/sdp/SdpError.h"

namespace chorus::signaling {

// Bounds on a description from a client: checked before anything else is parsed.
struct SdpLimits {
  std::size_t maxBytes = std::size_t{64} * 1024;
  std::size_t maxLines = 4096;
  std::size_t maxMediaSections = 64;
};

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (RFC 8866 §5.2).
struct SdpOrigin {
  std::string username;
  std::string sessionId;
  std::string sessionVersion;
  std::string networkType;
  std::string addressType;
  std::string address;

  friend bool operator==(const SdpOrigin&, const SdpOrigin&) = default;
};

struct SdpParseResult;

// A session description (RFC 8866) as WebRTC uses it (RFC 8829 §5): the session-level lines and
// the m-sections, as values. parse() is strict about structure (v=, o=, s= first, t= before the
// first m=, every line "<letter>=<value>", known attributes well-formed) and keeps attributes
// it does not know; toSdp() writes it back with CRLF line endings, so that parsing what it
// writes gives an equal description.
struct SessionDescription {
  SdpOrigin origin;
  std::string sessionName = "-";
  std::vector<SdpLine> fields;  // the session's i=, u=, e=, p=, c=, b=, t=, r=, z=, k= lines

  std::vector<SdpGroup> groups;
  bool iceLite = false;
  std::optional<std::string> msidSemantic;  // the value after "a=msid-semantic:", as sent
  bool extmapAllowMixed = false;
  std::optional<SdpDirection> direction;
  TransportAttributes transport;
  std::vector<SdpAttribute> otherAttributes;

  std::vector<MediaDescription> media;

  static SdpParseResult parse(std::string_view text, const SdpLimits& limits = {});
  std::string toSdp() const;

  // The a=group:BUNDLE group, if any (RFC 8843 §7).
  const SdpGroup* bundleGroup() const;
  const MediaDescription* mediaWithMid(std::string_view mid) const;

  friend bool operator==(const SessionDescription&, const SessionDescription&) = default;
};

struct SdpParseResult {
  std::optional<SessionDescription> description;  // set when the text parsed
  SdpError error;                                 // why not, otherwise
};

}  // namespace chorus::signaling
