#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tests/integration/HttpProbe.h"

namespace chorus::test {

// GET `target` with Connection: close from https://127.0.0.1:port, the server's certificate
// verified against `trustedCertificatePem` for the name localhost. `closedByServer` is set when
// the server ended TLS with close_notify. Throws when the connection, the TLS handshake or the
// certificate fails, or nothing comes back within 10 s.
HttpReply httpsGet(std::uint16_t port, std::string_view target,
                   const std::string& trustedCertificatePem);

}  // namespace chorus::test
