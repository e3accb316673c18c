#pragma once

#include <chrono>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "signaling/auth/TokenMinter.h"

namespace chorus::signaling {

// GET /dev/token?user=<user>&room=<room>, served only in dev_mode: an access token of the
// development application (kDevApplicationKey) for one user and room, with publish and
// subscribe, valid for an hour. It lets the demo page join without a backend; anyone who can
// reach the port gets a token, which is why it exists only in development.
class DevTokenEndpoint {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  static constexpr std::string_view kPath = "/dev/token";
  static constexpr std::chrono::hours kTimeToLive{1};

  DevTokenEndpoint();

  // 200 application/json {"token","user","room","expires_at"}, or 400 application/json
  // {"code","message"} naming what is wrong with the query; never cached.
  Response handle(const Request& request, std::chrono::system_clock::time_point now) const;

 private:
  TokenMinter minter_;
};

}  // namespace chorus::signaling
