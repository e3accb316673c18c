#pragma once

#include <functional>
#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "signaling/cluster/NodeState.h"

namespace chorus::signaling {

// GET /cluster/state, for the other nodes of a cluster only: this node's NodeState as JSON,
// to a request that carries `Authorization: Bearer <cluster.secret>`; 401 otherwise. Served
// when cluster.advertise_url is set.
class ClusterStateEndpoint {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  static constexpr std::string_view kPath = "/cluster/state";

  // `state` describes this node at the time of each request.
  ClusterStateEndpoint(std::string secret, std::function<NodeState()> state);

  Response handle(const Request& request) const;

 private:
  bool authorized(const Request& request) const;

  std::string secret_;
  std::function<NodeState()> state_;
};

}  // namespace chorus::signaling
