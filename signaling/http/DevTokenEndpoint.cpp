#include "signaling/http/DevTokenEndpoint.h"

#include <optional>
#include <string>
#include <variant>

#include <boost/json.hpp>

#include "signaling/auth/AccessToken.h"
#include "signaling/auth/DevApplication.h"
#include "signaling/http/QueryString.h"
#include "signaling/room/RoomId.h"

namespace chorus::signaling {
namespace http = boost::beast::http;

namespace {

struct QueryError {
  std::string_view code;
  std::string message;
};

// The user and room the query asks for, checked, or what is wrong with it.
struct TokenSubject {
  std::string user;
  RoomPattern room;
};

std::variant<TokenSubject, QueryError> subjectOf(std::string_view target) {
  const auto query = QueryString::parse(target);
  if (!query) {
    return QueryError{"bad_request", "the query has a % not followed by two hex digits"};
  }
  const auto user = query->value("user");
  if (!user || user->empty()) {
    return QueryError{"bad_request", "user is missing"};
  }
  if (user->size() > AccessToken::kMaxUserBytes || !countCodePoints(*user)) {
    return QueryError{
        "bad_request",
        "user must be 1 to " + std::to_string(AccessToken::kMaxUserBytes) + " bytes of UTF-8"};
  }
  const auto room = query->value("room");
  if (!room || room->empty()) {
    return QueryError{"bad_request", "room is missing"};
  }
  switch (checkRoomId(*room)) {
    case TextCheck::kValid:
      break;
    case TextCheck::kTooLong:
      return QueryError{
          "room_id_too_long",
          "room must be at most " + std::to_string(kMaxRoomIdCodePoints) + " characters"};
    case TextCheck::kEmpty:
    case TextCheck::kInvalid:
      return QueryError{"room_id_invalid",
                        "room must be letters, marks, digits, punctuation and symbols, not '*'"};
  }
  // Without a '*', a room id of at most 64 code points (256 bytes) is an exact-room pattern.
  return TokenSubject{*user, *RoomPattern::parse(*room)};
}

DevTokenEndpoint::Response jsonResponse(http::status status, const boost::json::object& body,
                                        const DevTokenEndpoint::Request& request) {
  DevTokenEndpoint::Response response{status, request.version()};
  response.set(http::field::content_type, "application/json");
  // A token is a credential: no cache may keep it.
  response.set(http::field::cache_control, "no-store");
  response.body() = boost::json::serialize(body);
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  return response;
}

}  // namespace

DevTokenEndpoint::DevTokenEndpoint() : minter_(std::string(kDevApplicationSecret)) {}

DevTokenEndpoint::Response DevTokenEndpoint::handle(
    const Request& request, std::chrono::system_clock::time_point now) const {
  auto subject = subjectOf(request.target());
  if (const auto* error = std::get_if<QueryError>(&subject)) {
    return jsonResponse(http::status::bad_request,
                        {{"code", error->code}, {"message", error->message}}, request);
  }
  auto& [user, room] = std::get<TokenSubject>(subject);
  const auto issuedAt = std::chrono::floor<std::chrono::seconds>(now);
  const AccessToken token{.application = std::string(kDevApplicationKey),
                          .user = user,
                          .notBefore = issuedAt,
                          .expiresAt = issuedAt + kTimeToLive,
                          .issuedAt = issuedAt,
                          .room = room,
                          .publish = true,
                          .subscribe = true};
  return jsonResponse(http::status::ok,
                      {{"token", minter_.mint(token)},
                       {"user", user},
                       {"room", room.text()},
                       {"expires_at", token.expiresAt.time_since_epoch().count()}},
                      request);
}

}  // namespace chorus::signaling
