#pragma once

#include <memory>

#include "server/config/Config.h"

namespace boost::asio::ssl {
class context;
}

namespace chorus::server {

// The control port's TLS server context from http.tls_certificate_file and
// http.tls_private_key_file: nothing when both are empty (plain HTTP), else TLS 1.2 or later
// with renegotiation refused. Throws ConfigError naming the key when only one is set, a file
// cannot be read, or the files are not a PEM certificate chain and its private key.
std::unique_ptr<boost::asio::ssl::context> loadTlsContext(const Config::Http& config);

}  // namespace chorus::server
