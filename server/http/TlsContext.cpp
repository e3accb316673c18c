#include "server/http/TlsContext.h"

#include <fstream>
#include <string>
#include <string_view>

#include <boost/asio/ssl/context.hpp>
#include <openssl/ssl.h>

namespace chorus::server {
namespace ssl = boost::asio::ssl;

namespace {

constexpr std::string_view kCertificateKey = "http.tls_certificate_file";
constexpr std::string_view kPrivateKeyKey = "http.tls_private_key_file";

std::string named(std::string_view key, const std::string& path) {
  return std::string(key) + " = \"" + path + "\"";
}

void requireReadable(std::string_view key, const std::string& path) {
  if (!std::ifstream(path)) {
    throw ConfigError(named(key, path) + " cannot be read");
  }
}

}  // namespace

std::unique_ptr<ssl::context> loadTlsContext(const Config::Http& config) {
  if (config.tlsCertificateFile.empty() && config.tlsPrivateKeyFile.empty()) {
    return nullptr;
  }
  if (config.tlsPrivateKeyFile.empty()) {
    throw ConfigError(std::string(kCertificateKey) + " is set but " + std::string(kPrivateKeyKey) +
                      " is empty: set both or neither");
  }
  if (config.tlsCertificateFile.empty()) {
    throw ConfigError(std::string(kPrivateKeyKey) + " is set but " + std::string(kCertificateKey) +
                      " is empty: set both or neither");
  }
  requireReadable(kCertificateKey, config.tlsCertificateFile);
  requireReadable(kPrivateKeyKey, config.tlsPrivateKeyFile);
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  // RFC 8996 retires TLS 1.0 and 1.1. Renegotiation (TLS 1.2 only) is refused: nothing here
  // needs it, and it has been the way in for several attacks (RFC 5746).
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
  boost::system::error_code error;
  context->use_certificate_chain_file(config.tlsCertificateFile, error);
  if (error) {
    throw ConfigError(named(kCertificateKey, config.tlsCertificateFile) +
                      " is not a PEM certificate chain (" + error.message() + ")");
  }
  context->use_private_key_file(config.tlsPrivateKeyFile, ssl::context::pem, error);
  if (error || SSL_CTX_check_private_key(native) != 1) {
    throw ConfigError(named(kPrivateKeyKey, config.tlsPrivateKeyFile) +
                      " is not a PEM private key of the certificate in " +
                      std::string(kCertificateKey) +
                      (error ? " (" + error.message() + ")" : std::string()));
  }
  return context;
}

}  // namespace chorus::server
