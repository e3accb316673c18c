#pragma once

#include <string>

namespace chorus::media {

// An ICE username fragment and password (RFC 8445 §5.3): ours are sent in the SDP answer and
// key the MESSAGE-INTEGRITY of every check the peer sends us.
struct IceCredentials {
  std::string ufrag;
  std::string pwd;

  // Fresh random credentials: a 16-character ufrag and a 32-character password from the ICE
  // character set (RFC 8839 §5.4: ice-char is ALPHA / DIGIT / "+" / "/"), from OpenSSL's CSPRNG.
  static IceCredentials generate();

  friend bool operator==(const IceCredentials&, const IceCredentials&) = default;
};

}  // namespace chorus::media
