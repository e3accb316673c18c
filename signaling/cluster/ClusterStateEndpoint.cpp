#include "signaling/cluster/ClusterStateEndpoint.h"

#include <utility>

#include <openssl/crypto.h>

namespace chorus::signaling {
namespace http = boost::beast::http;

namespace {

constexpr std::string_view kBearer = "Bearer ";

}  // namespace

ClusterStateEndpoint::ClusterStateEndpoint(std::string secret, std::function<NodeState()> state)
    : secret_(std::move(secret)), state_(std::move(state)) {}

ClusterStateEndpoint::Response ClusterStateEndpoint::handle(const Request& request) const {
  Response response{http::status::ok, request.version()};
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  if (!authorized(request)) {
    // RFC 6750 §3: a refused bearer token names the scheme in WWW-Authenticate.
    response.result(http::status::unauthorized);
    response.set(http::field::www_authenticate, "Bearer");
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.body() = "cluster.secret required\n";
  } else {
    response.set(http::field::content_type, "application/json");
    response.body() = serialize(state_());
  }
  response.prepare_payload();
  return response;
}

bool ClusterStateEndpoint::authorized(const Request& request) const {
  const auto header = request.find(http::field::authorization);
  if (secret_.empty() || header == request.end()) {
    return false;
  }
  const std::string_view value = header->value();
  if (!value.starts_with(kBearer)) {
    return false;
  }
  const std::string_view presented = value.substr(kBearer.size());
  // Compared in constant time: the secret guards every node's room list.
  return presented.size() == secret_.size() &&
         CRYPTO_memcmp(presented.data(), secret_.data(), secret_.size()) == 0;
}

}  // namespace chorus::signaling
