#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

#include "signaling/auth/ApplicationRegistry.h"
#include "signaling/room/RoomRegistry.h"

namespace chorus::signaling {

// The REST API under /api/v1/ (docs/signaling.md, "REST API"): rooms listed, described, closed,
// participants kicked and tracks muted by an application's backend, authenticated with the
// application's key and secret by HTTP Basic. Like HttpApi it turns a parsed request into a
// response and knows nothing of sockets; unlike it, it acts on the rooms, so it is called on the
// control thread only, where the RoomRegistry lives.
class RestApi {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  // Every path under this prefix is the REST API's, answered or not.
  static constexpr std::string_view kPrefix = "/api/";

  RestApi(RoomRegistry& rooms, const ApplicationRegistry& applications);

  static bool owns(std::string_view target);

  Response handle(const Request& request);

  // Requests answered, by HTTP status code, for /metrics.
  const std::map<unsigned, std::uint64_t>& requestsByStatus() const { return requestsByStatus_; }

 private:
  // The decoded path segments a route's `{}` placeholders matched, in order.
  using Parameters = std::vector<std::string>;
  using Action = Response (RestApi::*)(const Request&, const Parameters&);

  struct Method {
    boost::beast::http::verb verb;
    Action action;
  };
  struct Route {
    std::vector<std::string_view> pattern;  // literal segments, or "{}" for a parameter
    std::vector<Method> methods;
  };

  Response route(const Request& request);
  bool authenticated(const Request& request) const;
  static std::optional<Parameters> match(const Route& route, const std::vector<std::string>& path);

  Response listRooms(const Request& request, const Parameters& parameters);
  Response getRoom(const Request& request, const Parameters& parameters);
  Response closeRoom(const Request& request, const Parameters& parameters);
  Response kickParticipant(const Request& request, const Parameters& parameters);
  Response muteTrack(const Request& request, const Parameters& parameters);
  Response unmuteTrack(const Request& request, const Parameters& parameters);

  RoomRegistry& rooms_;
  const ApplicationRegistry& applications_;
  std::vector<Route> routes_;
  std::map<unsigned, std::uint64_t> requestsByStatus_;
};

}  // namespace chorus::signaling
