// http.tls_certificate_file and http.tls_private_key_file: plain HTTP when both are empty, and
// the mistakes that must stop chorusd at start, each naming the key to fix.
#include <fstream>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/config/Config.h"
#include "server/http/TlsContext.h"

namespace chorus::server {
namespace {
using ::testing::HasSubstr;

std::string loadError(const std::string& certificateFile, const std::string& privateKeyFile) {
  Config::Http config;
  config.tlsCertificateFile = certificateFile;
  config.tlsPrivateKeyFile = privateKeyFile;
  try {
    loadTlsContext(config);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(TlsContextTest, NeitherKeyMeansPlainHttp) {
  EXPECT_EQ(loadTlsContext(Config::Http{}), nullptr);
}

TEST(TlsContextTest, OneKeyWithoutTheOtherNamesTheMissingOne) {
  EXPECT_THAT(loadError("/etc/chorus/tls.crt", ""),
              HasSubstr("http.tls_private_key_file is empty: set both or neither"));
  EXPECT_THAT(loadError("", "/etc/chorus/tls.key"),
              HasSubstr("http.tls_certificate_file is empty: set both or neither"));
}

TEST(TlsContextTest, UnreadableOrNonPemFilesAreNamed) {
  const std::string notPem = ::testing::TempDir() + "chorus-not-pem.txt";
  std::ofstream(notPem) << "not a certificate\n";
  const std::string missing = ::testing::TempDir() + "chorus-no-such-file.pem";
  EXPECT_THAT(loadError(missing, notPem),
              HasSubstr("http.tls_certificate_file = \"" + missing + "\" cannot be read"));
  EXPECT_THAT(loadError(notPem, missing),
              HasSubstr("http.tls_private_key_file = \"" + missing + "\" cannot be read"));
  EXPECT_THAT(loadError(notPem, notPem), HasSubstr("http.tls_certificate_file = \"" + notPem +
                                                   "\" is not a PEM certificate chain"));
}

}  // namespace
}  // namespace chorus::server
