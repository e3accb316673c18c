// The control port with http.tls_certificate_file and http.tls_private_key_file against a real
// chorusd: HTTPS and wss with a certificate generated here and trusted by the client, plain
// HTTP refused, and a half-configured or mismatched pair refused at start.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/ChorusdProcess.h"
#include "tests/integration/HttpProbe.h"
#include "tests/integration/HttpsProbe.h"
#include "tests/integration/TestCertificate.h"
#include "tests/integration/WebSocketClient.h"

namespace chorus::test {
namespace {
using ::testing::HasSubstr;

std::vector<std::string> tlsFlags(const std::string& certificateFile,
                                  const std::string& privateKeyFile) {
  std::vector<std::string> flags{"--http.port",      "0", "--media.port_base", "0",
                                 "--media.tcp_port", "0", "--workers.count",   "1"};
  if (!certificateFile.empty()) {
    flags.insert(flags.end(), {"--http.tls_certificate_file", certificateFile});
  }
  if (!privateKeyFile.empty()) {
    flags.insert(flags.end(), {"--http.tls_private_key_file", privateKeyFile});
  }
  return flags;
}

class TlsTest : public ::testing::Test {
 protected:
  TestCertificate certificate_;
  ChorusdProcess chorusd_{tlsFlags(certificate_.certificateFile(), certificate_.privateKeyFile())};
  std::uint16_t port_ = chorusd_.httpPort();
};

TEST_F(TlsTest, StartupLogSaysTls) {
  const auto ready = chorusd_.waitForLine("chorusd_ready");
  ASSERT_TRUE(ready);
  EXPECT_THAT(*ready, HasSubstr("demo=https://127.0.0.1:" + std::to_string(port_) + "/"));
  EXPECT_THAT(chorusd_.output(), HasSubstr("tls=true"));
}

TEST_F(TlsTest, HttpsHealthzAnswers200AndEndsWithCloseNotify) {
  const HttpReply reply = httpsGet(port_, "/healthz", certificate_.pem());
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "ok\n");
  EXPECT_TRUE(reply.closedByServer);
}

TEST_F(TlsTest, WssClientGetsTheHello) {
  WebSocketClient client(port_, {}, WebSocketClient::Tls{certificate_.pem()});
  EXPECT_THAT(client.receive().value_or(""), HasSubstr(R"("type":"hello")"));
  ASSERT_TRUE(client.send(R"({"type":"no_such_request","id":"q1"})"));
  EXPECT_THAT(client.receive().value_or(""), HasSubstr(R"("id":"q1")"));
}

TEST_F(TlsTest, PlainHttpGetsNoAnswerAndTheServerCarriesOn) {
  const HttpReply plain = httpGet(port_, "/healthz");
  EXPECT_EQ(plain.status, 0);
  EXPECT_THAT(plain.raw, ::testing::Not(HasSubstr("HTTP/1.1")));
  EXPECT_THROW(WebSocketClient{port_}, std::runtime_error);
  EXPECT_EQ(httpsGet(port_, "/healthz", certificate_.pem()).status, 200);
}

TEST_F(TlsTest, ClientThatDoesNotTrustTheCertificateFailsAndTheServerCarriesOn) {
  const TestCertificate other;
  EXPECT_THROW(httpsGet(port_, "/healthz", other.pem()), std::exception);
  EXPECT_EQ(httpsGet(port_, "/healthz", certificate_.pem()).status, 200);
}

TEST(TlsConfigTest, PlainHttpLogsTlsFalse) {
  ChorusdProcess chorusd(tlsFlags("", ""));
  const auto line = chorusd.waitForLine("http_listening");
  ASSERT_TRUE(line);
  EXPECT_EQ(fieldOf(*line, "tls"), "false");
}

TEST(TlsConfigTest, OneKeyWithoutTheOtherExits2NamingIt) {
  const TestCertificate certificate;
  ChorusdProcess certificateOnly(tlsFlags(certificate.certificateFile(), ""));
  EXPECT_EQ(certificateOnly.waitForExit(), 2);
  EXPECT_THAT(certificateOnly.output(), HasSubstr("http.tls_private_key_file"));
  ChorusdProcess keyOnly(tlsFlags("", certificate.privateKeyFile()));
  EXPECT_EQ(keyOnly.waitForExit(), 2);
  EXPECT_THAT(keyOnly.output(), HasSubstr("http.tls_certificate_file"));
}

TEST(TlsConfigTest, UnreadableOrMismatchedFilesExit2) {
  const TestCertificate one;
  const TestCertificate two;
  ChorusdProcess mismatched(tlsFlags(one.certificateFile(), two.privateKeyFile()));
  EXPECT_EQ(mismatched.waitForExit(), 2);
  EXPECT_THAT(mismatched.output(),
              HasSubstr("http.tls_private_key_file = \"" + two.privateKeyFile() +
                        "\" is not a PEM private key of the certificate"));
  ChorusdProcess missing(tlsFlags(one.certificateFile() + ".missing", one.privateKeyFile()));
  EXPECT_EQ(missing.waitForExit(), 2);
  EXPECT_THAT(missing.output(), HasSubstr("http.tls_certificate_file"));
  EXPECT_THAT(missing.output(), HasSubstr("cannot be read"));
  ChorusdProcess notPem(tlsFlags(one.privateKeyFile(), one.privateKeyFile()));
  EXPECT_EQ(notPem.waitForExit(), 2);
  EXPECT_THAT(notPem.output(), HasSubstr("is not a PEM certificate chain"));
}

}  // namespace
}  // namespace chorus::test
