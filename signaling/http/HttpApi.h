#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "signaling/ProcessStatus.h"
#include "signaling/cluster/ClusterStateEndpoint.h"
#include "signaling/http/DevTokenEndpoint.h"
#include "signaling/http/StaticFiles.h"

namespace chorus::signaling {

// The plain-HTTP part of the control port: probes, metrics, the web client (the demo at `/`,
// the browser SDK at `/sdk/`) and, in dev_mode only, the development token endpoint
// (DevTokenEndpoint), and with a cluster the peers' GET /cluster/state (ClusterStateEndpoint).
// It turns a
// parsed request into a response and knows nothing of sockets, so it is tested without any.
class HttpApi {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  // `devTokens`: serve GET /dev/token (dev_mode); otherwise that path is as unknown as any.
  // `cluster`: serve GET /cluster/state through it; null: that path is unknown too.
  HttpApi(const ProcessStatus& status, const std::filesystem::path& webRoot, bool devTokens = false,
          const ClusterStateEndpoint* cluster = nullptr);

  Response handle(const Request& request) const;

  // A short text/plain response for `status`, used for every error so they all look alike.
  static Response textResponse(boost::beast::http::status status, std::string_view text,
                               unsigned version, bool keepAlive);

 private:
  Response route(const Request& request) const;
  Response metrics(const Request& request) const;
  static Response file(const Request& request, const StaticFiles& folder, std::string_view target);

  const ProcessStatus& status_;
  StaticFiles demo_;
  StaticFiles sdk_;
  std::optional<DevTokenEndpoint> devTokens_;
  const ClusterStateEndpoint* cluster_;
};

}  // namespace chorus::signaling
