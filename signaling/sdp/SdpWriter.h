#pragma once

#include <string>

#include "signaling/sdp/SessionDescription.h"

namespace chorus::signaling {

// Writes a SessionDescription as SDP text with CRLF line endings (RFC 8866 §5): v=, o=, s=, the
// session's other lines in their order, its attributes, then each m-section. Known attributes
// come in a fixed order, those kept unparsed after them.
class SdpWriter {
 public:
  std::string write(const SessionDescription& session);

 private:
  void line(char type, std::string_view value);
  void attribute(std::string_view name);
  void attribute(std::string_view name, std::string_view value);
  void transport(const TransportAttributes& attributes);
  void media(const MediaDescription& section);
  void codecs(const MediaDescription& section);
  void streams(const MediaDescription& section);

  std::string text_;
};

}  // namespace chorus::signaling
