#include "signaling/http/HttpApi.h"

#include <chrono>
#include <string>
#include <utility>

namespace chorus::signaling {
namespace http = boost::beast::http;

namespace {

constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";
// The browser SDK's files (`<web_root>/sdk/`) are served under this prefix, the demo's at `/`.
constexpr std::string_view kSdkPrefix = "/sdk/";

// A probe answers 200 or 503 with its reason, never cached by a proxy.
HttpApi::Response probe(const HealthReport& report, const HttpApi::Request& request) {
  const auto status = report.healthy ? http::status::ok : http::status::service_unavailable;
  HttpApi::Response response =
      HttpApi::textResponse(status, report.detail, request.version(), request.keep_alive());
  response.set(http::field::cache_control, "no-store");
  return response;
}

}  // namespace

HttpApi::HttpApi(const ProcessStatus& status, const std::filesystem::path& webRoot, bool devTokens,
                 const ClusterStateEndpoint* cluster)
    : status_(status), demo_(webRoot / "demo"), sdk_(webRoot / "sdk"), cluster_(cluster) {
  if (devTokens) {
    devTokens_.emplace();
  }
}

HttpApi::Response HttpApi::handle(const Request& request) const {
  const bool isHead = request.method() == http::verb::head;
  if (!isHead && request.method() != http::verb::get) {
    Response response = textResponse(http::status::method_not_allowed, "method not allowed",
                                     request.version(), request.keep_alive());
    response.set(http::field::allow, "GET, HEAD");
    return response;
  }
  Response response = route(request);
  if (isHead) {
    // RFC 9110 §9.3.2: HEAD answers with the headers GET would send, Content-Length included.
    const std::size_t length = response.body().size();
    response.body().clear();
    response.content_length(length);
  }
  return response;
}

HttpApi::Response HttpApi::route(const Request& request) const {
  const std::string_view target = request.target();
  const std::string_view path = target.substr(0, target.find('?'));
  if (path == "/healthz") {
    return probe(status_.liveness(), request);
  }
  if (path == "/readyz") {
    return probe(status_.readiness(), request);
  }
  if (path == "/metrics") {
    return metrics(request);
  }
  if (devTokens_ && path == DevTokenEndpoint::kPath) {
    return devTokens_->handle(request, std::chrono::system_clock::now());
  }
  if (cluster_ != nullptr && path == ClusterStateEndpoint::kPath) {
    return cluster_->handle(request);
  }
  if (path.starts_with(kSdkPrefix)) {
    // The prefix's last slash stays: StaticFiles resolves "/chorus.js" under the SDK folder.
    return file(request, sdk_, target.substr(kSdkPrefix.size() - 1));
  }
  return file(request, demo_, target);
}

HttpApi::Response HttpApi::metrics(const Request& request) const {
  Response response{http::status::ok, request.version()};
  response.set(http::field::content_type, kPrometheusContentType);
  response.set(http::field::cache_control, "no-store");
  response.body() = status_.metricsText();
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  return response;
}

HttpApi::Response HttpApi::file(const Request& request, const StaticFiles& folder,
                                std::string_view target) {
  auto found = folder.find(target);
  if (!found) {
    return textResponse(http::status::not_found, "not found", request.version(),
                        request.keep_alive());
  }
  Response response{http::status::ok, request.version()};
  response.set(http::field::content_type, found->contentType);
  response.set(http::field::cache_control, "no-cache");
  response.set("X-Content-Type-Options", "nosniff");
  response.body() = std::move(found->body);
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  return response;
}

HttpApi::Response HttpApi::textResponse(http::status status, std::string_view text,
                                        unsigned version, bool keepAlive) {
  Response response{status, version};
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.body() = std::string(text) + "\n";
  response.keep_alive(keepAlive);
  response.prepare_payload();
  return response;
}

}  // namespace chorus::signaling
