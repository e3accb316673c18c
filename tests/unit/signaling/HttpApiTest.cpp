#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "signaling/http/HttpApi.h"
#include "tests/unit/signaling/TemporaryWebRoot.h"

namespace chorus::signaling {
namespace {
namespace http = boost::beast::http;

class FakeStatus : public ProcessStatus {
 public:
  HealthReport live{true, "ok"};
  HealthReport ready{true, "ok"};
  std::string metrics = "# TYPE up gauge\nup 1\n";

  HealthReport liveness() const override { return live; }
  HealthReport readiness() const override { return ready; }
  std::string metricsText() const override { return metrics; }
};

class HttpApiTest : public ::testing::Test {
 protected:
  HttpApi::Response request(http::verb method, std::string_view target) const {
    HttpApi::Request request{method, target, 11};
    return api_.handle(request);
  }

  TemporaryWebRoot web_;
  FakeStatus status_;
  HttpApi api_{status_, web_.root()};
};

TEST_F(HttpApiTest, HealthzIsOkWhileAlive) {
  const auto response = request(http::verb::get, "/healthz");
  EXPECT_EQ(response.result(), http::status::ok);
  EXPECT_EQ(response.body(), "ok\n");
  EXPECT_EQ(response[http::field::cache_control], "no-store");
}

TEST_F(HttpApiTest, HealthzIs503WithTheReasonWhenAWorkerIsStuck) {
  status_.live = {false, "worker 1 stalled"};
  const auto response = request(http::verb::get, "/healthz");
  EXPECT_EQ(response.result(), http::status::service_unavailable);
  EXPECT_EQ(response.body(), "worker 1 stalled\n");
}

TEST_F(HttpApiTest, ReadyzFollowsReadiness) {
  EXPECT_EQ(request(http::verb::get, "/readyz").result(), http::status::ok);
  status_.ready = {false, "draining"};
  EXPECT_EQ(request(http::verb::get, "/readyz").result(), http::status::service_unavailable);
}

TEST_F(HttpApiTest, MetricsAreServedInPrometheusTextFormat) {
  const auto response = request(http::verb::get, "/metrics");
  EXPECT_EQ(response.result(), http::status::ok);
  EXPECT_EQ(response[http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(response.body(), status_.metrics);
}

TEST_F(HttpApiTest, DemoPageIsServedAtTheRoot) {
  const auto response = request(http::verb::get, "/");
  EXPECT_EQ(response.result(), http::status::ok);
  EXPECT_EQ(response.body(), "<h1>demo</h1>");
  EXPECT_EQ(response[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(response["X-Content-Type-Options"], "nosniff");
}

TEST_F(HttpApiTest, FilesOutsideTheDemoFolderAreNotServed) {
  EXPECT_EQ(request(http::verb::get, "/../secret.txt").result(), http::status::not_found);
  EXPECT_EQ(request(http::verb::get, "/secret.txt").result(), http::status::not_found);
}

TEST_F(HttpApiTest, SdkIsServedUnderSdkAsJavaScript) {
  const auto script = request(http::verb::get, "/sdk/chorus.js?v=1");
  EXPECT_EQ(script.result(), http::status::ok);
  EXPECT_EQ(script.body(), "export class ChorusClient {}");
  EXPECT_EQ(script[http::field::content_type], "text/javascript; charset=utf-8");
  EXPECT_EQ(script["X-Content-Type-Options"], "nosniff");

  const auto declarations = request(http::verb::get, "/sdk/chorus.d.ts");
  EXPECT_EQ(declarations.result(), http::status::ok);
  EXPECT_EQ(declarations[http::field::content_type], "text/plain; charset=utf-8");
}

TEST_F(HttpApiTest, SdkPathsCannotLeaveTheSdkFolder) {
  for (const std::string_view target :
       {"/sdk/../secret.txt", "/sdk/%2e%2e/secret.txt", "/sdk/../demo/index.html",
        "/sdk/..%2fsecret.txt", "/sdk/", "/sdk/missing.js", "/sdk/%zz"}) {
    EXPECT_EQ(request(http::verb::get, target).result(), http::status::not_found) << target;
  }
}

TEST_F(HttpApiTest, TheDemoFolderDoesNotServeTheSdkPrefix) {
  // Only `/sdk/` is the SDK: `/sdk` without its slash and `/sdkx/...` are demo paths.
  EXPECT_EQ(request(http::verb::get, "/sdk").result(), http::status::not_found);
  EXPECT_EQ(request(http::verb::get, "/sdkchorus.js").result(), http::status::not_found);
  EXPECT_EQ(request(http::verb::get, "/app.js").result(), http::status::ok);
}

TEST_F(HttpApiTest, HeadSendsHeadersWithTheLengthGetWouldSend) {
  const auto response = request(http::verb::head, "/");
  EXPECT_EQ(response.result(), http::status::ok);
  EXPECT_TRUE(response.body().empty());
  EXPECT_EQ(response[http::field::content_length], "13");
}

TEST_F(HttpApiTest, OtherMethodsAre405WithAllow) {
  const auto response = request(http::verb::post, "/healthz");
  EXPECT_EQ(response.result(), http::status::method_not_allowed);
  EXPECT_EQ(response[http::field::allow], "GET, HEAD");
}

TEST_F(HttpApiTest, KeepAliveFollowsTheRequest) {
  HttpApi::Request request{http::verb::get, "/healthz", 11};
  EXPECT_TRUE(api_.handle(request).keep_alive());
  request.keep_alive(false);
  EXPECT_FALSE(api_.handle(request).keep_alive());
}

TEST_F(HttpApiTest, DevTokenIsAnUnknownPathUnlessEnabled) {
  const auto off = request(http::verb::get, "/dev/token?user=alice&room=standup");
  EXPECT_EQ(off.result(), http::status::not_found);
  EXPECT_EQ(off.body(), request(http::verb::get, "/no/such/path").body());

  const HttpApi devApi{status_, web_.root(), true};
  const HttpApi::Request devRequest{http::verb::get, "/dev/token?user=alice&room=standup", 11};
  const auto on = devApi.handle(devRequest);
  EXPECT_EQ(on.result(), http::status::ok);
  EXPECT_EQ(on[http::field::content_type], "application/json");
}

TEST_F(HttpApiTest, ClusterStateNeedsTheSecretAndDescribesThisNode) {
  EXPECT_EQ(request(http::verb::get, "/cluster/state").result(), http::status::not_found);

  const ClusterStateEndpoint endpoint{"s3cret", [] {
                                        return NodeState{"ws://127.0.0.1:1/ws", true, {"a", "b"}};
                                      }};
  const HttpApi clusterApi{status_, web_.root(), false, &endpoint};
  HttpApi::Request asked{http::verb::get, "/cluster/state", 11};
  const auto anonymous = clusterApi.handle(asked);
  EXPECT_EQ(anonymous.result(), http::status::unauthorized);
  EXPECT_EQ(anonymous[http::field::www_authenticate], "Bearer");
  EXPECT_EQ(anonymous.body().find("rooms"), std::string::npos);
  for (const std::string_view wrong :
       {"Bearer s3cre", "Bearer s3cret2", "Basic s3cret", "s3cret", "Bearer S3CRET"}) {
    asked.set(http::field::authorization, wrong);
    EXPECT_EQ(clusterApi.handle(asked).result(), http::status::unauthorized) << wrong;
  }
  asked.set(http::field::authorization, "Bearer s3cret");
  const auto answered = clusterApi.handle(asked);
  EXPECT_EQ(answered.result(), http::status::ok);
  EXPECT_EQ(answered[http::field::content_type], "application/json");
  EXPECT_EQ(answered[http::field::cache_control], "no-store");
  const auto state = parseNodeState(answered.body());
  ASSERT_TRUE(state.has_value()) << answered.body();
  EXPECT_EQ(state->url, "ws://127.0.0.1:1/ws");
  EXPECT_TRUE(state->ready);
  EXPECT_EQ(state->rooms, (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace chorus::signaling
