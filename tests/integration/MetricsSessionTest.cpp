// /metrics during a real session: a scripted publisher (chorus-bench's simulated participant:
// WebSocket signaling, ICE, DTLS-SRTP, synthetic audio and video, RTCP) sends to a scripted
// subscriber through a real chorusd. The scrape must parse as Prometheus text, the media
// counters and histograms must have moved, and every metric README's table documents must be
// in it: the table is read from README.md here, so the documentation cannot drift from the code.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/ip/address_v4.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "benchmarks/load/ChorusSignaling.h"
#include "benchmarks/load/LoadSession.h"
#include "benchmarks/load/ServerProcess.h"
#include "signaling/auth/DevApplication.h"
#include "tests/integration/HttpProbe.h"
#include "tests/support/PrometheusText.h"

namespace chorus::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using ::testing::IsEmpty;

// The metric names in the first column of README.md's table under "## Metrics".
std::vector<std::string> documentedMetrics() {
  std::ifstream file(std::string(CHORUS_SOURCE_DIR) + "/README.md");
  std::vector<std::string> names;
  bool inSection = false;
  static const std::regex kRow(R"(^\| `([a-z_]+)` \|)");
  for (std::string line; std::getline(file, line);) {
    if (line.starts_with("## ")) {
      inSection = line == "## Metrics";
      continue;
    }
    std::smatch match;
    if (inSection && std::regex_search(line, match, kRow)) {
      names.push_back(match[1]);
    }
  }
  return names;
}

// The families the scrape declares (# TYPE lines).
std::set<std::string> scrapedFamilies(const std::string& text) {
  std::set<std::string> families;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("# TYPE ")) {
      families.insert(line.substr(7, line.find(' ', 7) - 7));
    }
  }
  return families;
}

double sample(const std::string& text, const std::string& series) {
  return prometheusSample(text, series).value_or(-1);
}

bench::ParticipantConfig participant(std::string user, bool publish) {
  bench::ParticipantConfig config;
  config.room = "metrics";
  config.user = std::move(user);
  config.publish = publish;
  config.subscribe = !publish;
  config.video.bitrateBps = 300'000;
  return config;
}

TEST(MetricsSessionTest, ScrapeDuringASessionParsesMovesAndHasEveryDocumentedMetric) {
  const std::vector<std::string> documented = documentedMetrics();
  ASSERT_GE(documented.size(), 40U) << "README.md's metrics table was not found";

  const std::string log = ::testing::TempDir() + "chorusd-metrics-session.log";
  bench::ServerProcess server(CHORUSD_PATH, 2, log);
  const asio::ip::tcp::endpoint http(asio::ip::address_v4::loopback(), server.httpPort());
  const bench::ChorusEndpoint endpoint{http, std::string(signaling::kDevApplicationKey),
                                       std::string(signaling::kDevApplicationSecret)};
  bench::LoadSession session(1, 2, server.pid(), http, [endpoint](asio::any_io_executor executor) {
    return std::make_unique<bench::ChorusSignaling>(std::move(executor), endpoint);
  });
  bool flowing = false;
  std::string text;
  session.run([&](bench::LoadSession& running) -> asio::awaitable<void> {
    co_await running.add(participant("publisher", true), 0);
    co_await running.add(participant("subscriber", false), 2);
    flowing = co_await running.waitFlowing(0, 30s);
    // Long enough for receiver reports both ways (once a second) and for the control thread
    // to collect the first forwards (twice a second).
    co_await running.wait(2500ms);
    text = httpGet(server.httpPort(), "/metrics").body;
  });
  ASSERT_TRUE(flowing) << "media did not flow; chorusd's log: " << log;

  EXPECT_THAT(prometheusTextProblems(text), IsEmpty()) << text;
  const std::set<std::string> families = scrapedFamilies(text);
  for (const std::string& name : documented) {
    EXPECT_TRUE(families.contains(name)) << name << " is in README.md but not in the scrape";
  }
  for (const std::string& family : families) {
    if (family.starts_with("chorus_")) {
      EXPECT_NE(std::find(documented.begin(), documented.end(), family), documented.end())
          << family << " is exported but not documented in README.md";
    }
  }

  // Rooms, tracks and transports as they are mid-session.
  EXPECT_EQ(sample(text, "chorus_participants"), 2);
  EXPECT_EQ(sample(text, R"(chorus_tracks{kind="audio"})"), 1);
  EXPECT_EQ(sample(text, R"(chorus_tracks{kind="video"})"), 1);
  EXPECT_EQ(sample(text, R"(chorus_transports{state="connected"})"), 2);
  EXPECT_EQ(sample(text, "chorus_join_to_first_media_seconds_count"), 1);
  EXPECT_GT(sample(text, "chorus_join_to_first_media_seconds_sum"), 0);
  // Media in and out, by kind.
  for (const char* kind : {"audio", "video"}) {
    const std::string label = std::string(R"({kind=")") + kind + "\"}";
    EXPECT_GT(sample(text, "chorus_rtp_received_packets_total" + label), 10) << kind;
    EXPECT_GT(sample(text, "chorus_rtp_received_bytes_total" + label), 1000) << kind;
    EXPECT_GT(sample(text, "chorus_rtp_forwarded_packets_total" + label), 10) << kind;
    EXPECT_GT(sample(text, "chorus_rtp_forwarded_bytes_total" + label), 1000) << kind;
  }
  EXPECT_GT(sample(text, R"(chorus_udp_datagrams_sent_total{kind="rtp"})"), 20);
  EXPECT_GT(sample(text, R"(chorus_udp_datagrams_sent_total{kind="stun"})"), 0);
  EXPECT_GT(sample(text, R"(chorus_rtcp_received_total{type="rr"})"), 0);
  // Histograms filled from RTCP and from the workers' loops.
  EXPECT_GT(sample(text, R"(chorus_jitter_seconds_count{leg="publisher"})"), 0);
  EXPECT_GT(sample(text, R"(chorus_jitter_seconds_count{leg="subscriber"})"), 0);
  EXPECT_GT(sample(text, R"(chorus_fraction_lost_count{leg="subscriber"})"), 0);
  double lagSamples = 0;
  double batchSamples = 0;
  for (const char* worker : {"0", "1"}) {
    const std::string label = std::string(R"({worker=")") + worker + "\"}";
    lagSamples += sample(text, "chorus_worker_loop_lag_seconds_count" + label);
    batchSamples += sample(text, "chorus_worker_batch_datagrams_count" + label);
    EXPECT_GT(sample(text, "chorus_worker_pool_slots" + label), 0);
  }
  EXPECT_GT(lagSamples, 100);  // 20 ms ticks for seconds on both workers
  EXPECT_GT(batchSamples, 10);
}

}  // namespace
}  // namespace chorus::test
