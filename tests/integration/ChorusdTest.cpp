// chorusd as an operator meets it: started with flags, a file or the environment, probed over
// HTTP, sent datagrams, stopped by signals.
#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "signaling/auth/TokenVerifier.h"
#include "tests/integration/ChorusdProcess.h"
#include "tests/integration/HttpProbe.h"
#include "tests/support/PrometheusText.h"
#include "tests/unit/media/StunTestVectors.h"

namespace chorus::test {
namespace {
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// Flags every test server gets: kernel-chosen ports (UDP and TCP), two workers, the repository's
// web client.
std::vector<std::string> testFlags(std::vector<std::string> extra = {}) {
  const std::string webRoot = std::string(CHORUS_SOURCE_DIR) + "/web";
  std::vector<std::string> flags{"--http.port",      "0",    "--media.port_base", "0",
                                 "--media.tcp_port", "0",    "--workers.count",   "2",
                                 "--http.web_root",  webRoot};
  flags.insert(flags.end(), extra.begin(), extra.end());
  return flags;
}

std::string writeFile(const std::string& name, const std::string& content) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << content;
  return path;
}

class ChorusdTest : public ::testing::Test {
 protected:
  ChorusdProcess chorusd_{
      testFlags({"--http.max_header_bytes", "1024", "--http.max_body_bytes", "1024"})};
  std::uint16_t port_ = chorusd_.httpPort();
};

TEST_F(ChorusdTest, HealthzAndReadyzAnswer200) {
  const auto health = httpGet(port_, "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");
  EXPECT_EQ(httpGet(port_, "/readyz").status, 200);
}

TEST_F(ChorusdTest, MetricsAreValidPrometheusTextWithBuildProcessAndWorkerMetrics) {
  const auto reply = httpGet(port_, "/metrics");
  ASSERT_EQ(reply.status, 200);
  EXPECT_THAT(reply.head, HasSubstr("Content-Type: text/plain; version=0.0.4"));
  EXPECT_THAT(prometheusTextProblems(reply.body), IsEmpty()) << reply.body;
  EXPECT_THAT(reply.body, HasSubstr("chorus_build_info{"));
  EXPECT_EQ(prometheusSample(reply.body, "chorus_workers"), 2);
  EXPECT_GT(prometheusSample(reply.body, "process_resident_memory_bytes").value_or(0), 0);
  // Two workers and the control thread at least.
  EXPECT_GE(prometheusSample(reply.body, "process_threads").value_or(0), 3);
}

TEST_F(ChorusdTest, DemoPageIsServedAtTheRootAndTheSdkBesideIt) {
  const auto reply = httpGet(port_, "/");
  EXPECT_EQ(reply.status, 200);
  EXPECT_THAT(reply.head, HasSubstr("Content-Type: text/html; charset=utf-8"));
  EXPECT_THAT(reply.body, HasSubstr("<title>Chorus demo</title>"));
  const auto sdk = httpGet(port_, "/sdk/chorus.js");
  EXPECT_EQ(sdk.status, 200);
  EXPECT_THAT(sdk.head, HasSubstr("Content-Type: text/javascript"));
  EXPECT_THAT(sdk.body, HasSubstr("export class ChorusClient"));
}

TEST_F(ChorusdTest, UnknownPathTraversalAndWrongMethodGetProperStatuses) {
  EXPECT_EQ(httpGet(port_, "/no-such-page").status, 404);
  EXPECT_EQ(httpGet(port_, "/../../etc/passwd").status, 404);
  EXPECT_EQ(httpGet(port_, "/%2e%2e/%2e%2e/etc/passwd").status, 404);
  const auto post = httpExchange(
      port_,
      "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");
  EXPECT_EQ(post.status, 405);
  EXPECT_THAT(post.head, HasSubstr("Allow: GET, HEAD"));
}

TEST_F(ChorusdTest, MalformedRequestIs400) {
  EXPECT_EQ(httpExchange(port_, "NOT HTTP AT ALL\r\n\r\n").status, 400);
}

TEST_F(ChorusdTest, OversizedHeadersAre431) {
  const std::string request =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(4096, 'a') + "\r\n\r\n";
  EXPECT_EQ(httpExchange(port_, request).status, 431);
}

TEST_F(ChorusdTest, OversizedBodyIs413) {
  const std::string request =
      "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n" + std::string(4096, 'b');
  EXPECT_EQ(httpExchange(port_, request).status, 413);
}

TEST_F(ChorusdTest, KeepAliveServesPipelinedRequestsOnOneConnection) {
  const auto reply = httpExchange(port_,
                                  "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                                  "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::size_t answers = 0;
  for (std::size_t at = 0; (at = reply.raw.find("HTTP/1.1 200 OK", at)) != std::string::npos;
       ++at) {
    ++answers;
  }
  EXPECT_EQ(answers, 2U) << reply.raw;
}

TEST_F(ChorusdTest, MediaDatagramsAreCountedAndDroppedByReason) {
  // Workers log their ports before the control port opens, so these lines are already read.
  std::vector<std::uint16_t> mediaPorts;
  std::istringstream output(chorusd_.output());
  for (std::string line; std::getline(output, line);) {
    if (line.find("worker_started") != std::string::npos) {
      mediaPorts.push_back(static_cast<std::uint16_t>(std::stoi(fieldOf(line, "media_port"))));
    }
  }
  ASSERT_EQ(mediaPorts.size(), 2U) << chorusd_.output();
  // A well-formed Binding request (RFC 5769 §2.1) whose ufrag no transport has.
  const std::string stun(media::test::kRfc5769Request.begin(), media::test::kRfc5769Request.end());
  sendDatagram(mediaPorts[0], stun);
  sendDatagram(mediaPorts[1], std::string("\xff garbage", 9));

  const std::string unknownPeer = R"(chorus_udp_datagrams_dropped_total{reason="unknown_peer"})";
  const std::string unclassified = R"(chorus_udp_datagrams_dropped_total{reason="unclassified"})";
  std::string metrics;
  // Loopback delivery is quick but asynchronous: scrape until both drops show, boundedly.
  for (int attempt = 0; attempt < 200; ++attempt) {
    metrics = httpGet(port_, "/metrics").body;
    if (prometheusSample(metrics, unknownPeer) == 1 &&
        prometheusSample(metrics, unclassified) == 1) {
      break;
    }
  }
  EXPECT_EQ(prometheusSample(metrics, unknownPeer), 1) << metrics;
  EXPECT_EQ(prometheusSample(metrics, unclassified), 1) << metrics;
  EXPECT_EQ(prometheusSample(metrics, R"(chorus_udp_datagrams_received_total{kind="stun"})"), 1);
  EXPECT_EQ(prometheusSample(metrics, "chorus_udp_received_bytes_total"), 108 + 9);
}

// Sums every chorus_udp_datagrams_dropped_total{reason=...} sample.
double totalDrops(const std::string& metrics) {
  double total = 0;
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("chorus_udp_datagrams_dropped_total{")) {
      total += std::stod(line.substr(line.rfind(' ') + 1));
    }
  }
  return total;
}

// Truncated, oversized, wrongly typed and random datagrams of every kind a media port sees:
// none crashes the server, every one is dropped with a reason, memory does not grow.
// AddressSanitizer keeps freed memory in a quarantine of up to 256 MiB, so the resident size of
// an ASan build grows with every /metrics reply the test polls for, not only with leaks; the
// quarantine is kept small for this server so that the growth measured is chorusd's own (about
// 6 MiB here, the packet pools' pages touched for the first time).
TEST(ChorusdMemoryTest, MalformedDatagramsOfEveryKindAreDroppedAndCountedWithoutGrowingMemory) {
  ChorusdProcess chorusd(testFlags(), {"ASAN_OPTIONS=quarantine_size_mb=1"});
  const std::uint16_t port = chorusd.httpPort();
  std::uint16_t mediaPort = 0;
  std::istringstream output(chorusd.output());
  for (std::string line; std::getline(output, line) && mediaPort == 0;) {
    if (line.find("worker_started") != std::string::npos) {
      mediaPort = static_cast<std::uint16_t>(std::stoi(fieldOf(line, "media_port")));
    }
  }
  ASSERT_NE(mediaPort, 0);
  const auto residentBefore =
      prometheusSample(httpGet(port, "/metrics").body, "process_resident_memory_bytes");
  // NOLINTNEXTLINE(cert-msc32-c,cert-msc51-cpp): a fixed seed, so a failure can be replayed
  std::mt19937 random(20261126);
  // First-byte ranges of RFC 7983: STUN, DTLS, RTP/RTCP, and the rest.
  const std::array<std::pair<int, int>, 4> firstBytes{{{0, 3}, {20, 63}, {128, 191}, {0, 255}}};
  constexpr int kBursts = 40;
  constexpr int kBurst = 100;
  double sent = 0;
  std::string metrics;
  for (int burst = 0; burst < kBursts; ++burst) {
    for (int i = 0; i < kBurst; ++i) {
      const auto [low, high] = firstBytes[static_cast<std::size_t>(i) % firstBytes.size()];
      const std::size_t size = i % 10 == 9 ? 3000 : random() % 1400;  // some over a slot
      std::string datagram(size, '\0');
      for (auto& byte : datagram) {
        byte = static_cast<char>(random());
      }
      if (!datagram.empty()) {
        datagram[0] = static_cast<char>(low + static_cast<int>(random() % (high - low + 1)));
      }
      sendDatagram(mediaPort, datagram);
      ++sent;
    }
    // Pace the bursts so the kernel's buffer is not what is being tested.
    for (int attempt = 0; attempt < 500; ++attempt) {
      metrics = httpGet(port, "/metrics").body;
      if (totalDrops(metrics) >= sent) {
        break;
      }
    }
  }
  EXPECT_EQ(totalDrops(metrics), sent) << metrics;
  EXPECT_EQ(httpGet(port, "/healthz").status, 200);
  const auto residentAfter = prometheusSample(metrics, "process_resident_memory_bytes");
  ASSERT_TRUE(residentBefore && residentAfter);
  EXPECT_LT(*residentAfter - *residentBefore, 16.0 * 1024 * 1024);
}

// ICE over TCP: the port is logged, and a connection whose first RFC 4571 frame is not a STUN
// Binding request is closed and counted (the full exchange is in IceTcpListenerTest).
TEST(ChorusdIceTcpTest, PortIsLoggedAndAFirstFrameThatIsNotStunIsClosedAndCounted) {
  ChorusdProcess chorusd(testFlags());
  const auto line = chorusd.waitForLine("ice_tcp_listening");
  ASSERT_TRUE(line);
  const auto tcpPort = static_cast<std::uint16_t>(std::stoi(fieldOf(*line, "port")));
  EXPECT_NE(tcpPort, 0);
  const std::uint16_t port = chorusd.httpPort();
  const auto reply = httpExchange(tcpPort, std::string_view("\x00\x03xyz", 5));
  EXPECT_TRUE(reply.closedByServer);
  EXPECT_TRUE(reply.raw.empty());
  const auto metrics = httpGet(port, "/metrics").body;
  EXPECT_EQ(prometheusSample(metrics, R"(chorus_ice_tcp_handshakes_total{result="not_stun"})"), 1);
  EXPECT_EQ(prometheusSample(metrics, R"(chorus_ice_tcp_handshakes_total{result="handed_off"})"),
            0);
  EXPECT_EQ(prometheusSample(metrics, "chorus_ice_tcp_connections"), 0);
}

// With nobody in a room the drain SIGTERM starts is over at once (DrainTest has the rest).
TEST_F(ChorusdTest, SigtermStopsCleanlyWithStatus0) {
  chorusd_.sendSignal(SIGTERM);
  EXPECT_EQ(chorusd_.waitForExit(), 0);
  EXPECT_THAT(chorusd_.output(), HasSubstr("chorusd_draining signal=SIGTERM"));
  EXPECT_THAT(chorusd_.output(), HasSubstr("chorusd_drained reason=empty"));
  EXPECT_THAT(chorusd_.output(), HasSubstr("chorusd_stopped"));
}

TEST(ChorusdLifecycleTest, IdleConnectionIsClosedByTheServer) {
  ChorusdProcess chorusd(testFlags({"--http.idle_timeout_seconds", "1"}));
  const std::uint16_t port = chorusd.httpPort();
  // Connect and send nothing: the server must hang up before our 10 s receive timeout.
  const auto reply = httpExchange(port, "");
  EXPECT_TRUE(reply.closedByServer);
  EXPECT_TRUE(reply.raw.empty());
}

TEST(ChorusdLifecycleTest, SigintStopsCleanlyWithStatus0) {
  ChorusdProcess chorusd(testFlags());
  chorusd.httpPort();
  chorusd.sendSignal(SIGINT);
  EXPECT_EQ(chorusd.waitForExit(), 0);
  EXPECT_THAT(chorusd.output(), HasSubstr("chorusd_stopped"));
}

TEST(ChorusdLifecycleTest, ReadyLinePrintsWhereToOpenTheDemo) {
  ChorusdProcess chorusd(testFlags());
  const std::uint16_t port = chorusd.httpPort();
  const auto ready = chorusd.waitForLine("chorusd_ready");
  ASSERT_TRUE(ready);
  EXPECT_THAT(*ready, HasSubstr("demo=http://127.0.0.1:" + std::to_string(port) + "/"));
  EXPECT_THAT(*ready, HasSubstr("workers=2"));
}

TEST(ChorusdConfigTest, UnknownKeyInTheFileExits2NamingIt) {
  const auto file = writeFile("bad.yaml", "http:\n  port: 0\n  prot: 8081\n");
  ChorusdProcess chorusd({"--config", file});
  EXPECT_EQ(chorusd.waitForExit(), 2);
  EXPECT_THAT(chorusd.output(), HasSubstr("unknown key \"http.prot\""));
  EXPECT_THAT(chorusd.output(), HasSubstr("bad.yaml:3"));
}

TEST(ChorusdConfigTest, BadPortAndBadAddressExit2NamingKeyAndValue) {
  ChorusdProcess badPort({"--http.port", "99999"});
  EXPECT_EQ(badPort.waitForExit(), 2);
  EXPECT_THAT(badPort.output(), HasSubstr("http.port = \"99999\""));
  ChorusdProcess badAddress({}, {"CHORUS_MEDIA_LISTEN_ADDRESS=localhost"});
  EXPECT_EQ(badAddress.waitForExit(), 2);
  EXPECT_THAT(badAddress.output(), HasSubstr("media.listen_address = \"localhost\""));
}

TEST(ChorusdConfigTest, EnvironmentSelectsJsonLogLines) {
  ChorusdProcess chorusd(testFlags(), {"CHORUS_LOG_FORMAT=json"});
  const auto line = chorusd.waitForLine("http_listening");
  ASSERT_TRUE(line);
  EXPECT_THAT(*line, StartsWith("{\"ts\":\""));
  EXPECT_THAT(*line, HasSubstr("\"event\":\"http_listening\""));
  EXPECT_THAT(*line, HasSubstr("\"address\":\"127.0.0.1\""));
}

TEST(ChorusdConfigTest, PrintConfigReadsBackAsTheSameConfiguration) {
  ChorusdProcess first({"--print-config", "--http.port", "9123", "--log.level", "debug"});
  ASSERT_EQ(first.waitForExit(), 0);
  const std::string printed = first.output();
  EXPECT_THAT(printed, HasSubstr("port: 9123"));
  ChorusdProcess second({"--print-config", "--config", writeFile("printed.yaml", printed)});
  ASSERT_EQ(second.waitForExit(), 0);
  EXPECT_EQ(second.output(), printed);
}

TEST(ChorusdConfigTest, HttpPortInUseFailsWithStatus1AndAClearError) {
  ChorusdProcess first(testFlags());
  const std::uint16_t port = first.httpPort();
  ChorusdProcess second(testFlags({"--http.port", std::to_string(port)}));
  EXPECT_EQ(second.waitForExit(), 1);
  EXPECT_THAT(second.output(), HasSubstr("chorusd_failed"));
  EXPECT_THAT(second.output(), HasSubstr("in use"));
}

TEST(ChorusdTokenTest, TokenCommandPrintsATokenTheVerifierAccepts) {
  const std::string secret = "integration-secret-0123456789abcdef0123";
  ChorusdProcess chorusd({"token", "--app", "app-1", "--secret", secret, "--user", "alice",
                          "--room", "standup", "--ttl", "10m", "--subscribe", "false"});
  ASSERT_EQ(chorusd.waitForExit(), 0) << chorusd.output();
  std::string printed = chorusd.output();
  ASSERT_TRUE(printed.ends_with("\n")) << printed;
  printed.pop_back();

  signaling::ApplicationRegistry applications;
  applications.add("app-1", secret);
  const auto result =
      signaling::TokenVerifier(applications).verify(printed, std::chrono::system_clock::now());
  ASSERT_TRUE(result.token) << signaling::toString(result.error) << ": " << printed;
  EXPECT_EQ(result.token->user, "alice");
  EXPECT_TRUE(result.token->allowsRoom("standup"));
  EXPECT_EQ(result.token->expiresAt - result.token->notBefore, std::chrono::minutes(10));
  EXPECT_TRUE(result.token->publish);
  EXPECT_FALSE(result.token->subscribe);

  ChorusdProcess badTtl({"token", "--app", "app-1", "--secret", secret, "--user", "alice", "--room",
                         "standup", "--ttl", "10 minutes"});
  EXPECT_EQ(badTtl.waitForExit(), 2);
  EXPECT_THAT(badTtl.output(), HasSubstr("--ttl"));
}

}  // namespace
}  // namespace chorus::test
