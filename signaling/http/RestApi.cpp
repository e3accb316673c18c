#include "signaling/http/RestApi.h"

#include <algorithm>
#include <utility>

#include <boost/beast/core/string.hpp>
#include <boost/json/serialize.hpp>
#include <openssl/crypto.h>

#include "signaling/auth/Base64Url.h"

namespace chorus::signaling {
namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr std::string_view kParameter = "{}";
constexpr std::string_view kBasicChallenge = R"(Basic realm="chorus")";

RestApi::Response jsonResponse(http::status status, const RestApi::Request& request,
                               std::string body) {
  RestApi::Response response{status, request.version()};
  response.set(http::field::cache_control, "no-store");
  if (!body.empty()) {
    response.set(http::field::content_type, "application/json");
    response.body() = std::move(body);
  }
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  return response;
}

// Every error looks alike: {"error":{"code":...,"message":...}}, the code stable for programs.
RestApi::Response errorResponse(http::status status, std::string_view code,
                                std::string_view message, const RestApi::Request& request) {
  const json::object error{{"error", json::object{{"code", code}, {"message", message}}}};
  return jsonResponse(status, request, json::serialize(error));
}

RestApi::Response noContent(const RestApi::Request& request) {
  return jsonResponse(http::status::no_content, request, {});
}

RestApi::Response notFound(std::string_view what, const RestApi::Request& request) {
  return errorResponse(http::status::not_found, "not_found", std::string(what) + " not found",
                       request);
}

int hexValue(char digit) {
  if (digit >= '0' && digit <= '9') {
    return digit - '0';
  }
  if (digit >= 'a' && digit <= 'f') {
    return digit - 'a' + 10;
  }
  if (digit >= 'A' && digit <= 'F') {
    return digit - 'A' + 10;
  }
  return -1;
}

// RFC 3986 §2.1: '%' and two hex digits stand for one byte. Strict: a '%' not followed by two
// hex digits makes the whole path unreadable rather than being kept as it is.
std::optional<std::string> percentDecode(std::string_view segment) {
  std::string decoded;
  decoded.reserve(segment.size());
  for (std::size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] != '%') {
      decoded += segment[i];
      continue;
    }
    if (i + 2 >= segment.size()) {
      return std::nullopt;
    }
    const int high = hexValue(segment[i + 1]);
    const int low = hexValue(segment[i + 2]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    decoded += static_cast<char>((high << 4) | low);
    i += 2;
  }
  return decoded;
}

// The path's segments, each percent-decoded, so that a track id's '/' ("pAbc%2F0") stays inside
// its segment. RFC 3986 §6.2.2.2: an encoded unreserved character is the character itself, so the
// literal segments of the routes are compared after decoding too.
std::optional<std::vector<std::string>> decodePath(std::string_view path) {
  std::vector<std::string> segments;
  path.remove_prefix(1);  // the leading '/'
  for (;;) {
    const std::size_t slash = path.find('/');
    auto segment = percentDecode(path.substr(0, slash));
    if (!segment) {
      return std::nullopt;
    }
    segments.push_back(std::move(*segment));
    if (slash == std::string_view::npos) {
      return segments;
    }
    path.remove_prefix(slash + 1);
  }
}

bool isBase64Character(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

// RFC 4648 §4 base64, padded, decoded strictly by way of the base64url decoder: the two
// alphabets differ only in '+' and '/', and base64url leaves out the padding.
std::optional<std::string> decodeBase64(std::string_view text) {
  const std::size_t end = text.find_last_not_of('=');
  if (text.size() % 4 != 0 || end == std::string_view::npos || text.size() - end - 1 > 2) {
    return std::nullopt;
  }
  std::string url(text.substr(0, end + 1));
  for (char& c : url) {
    if (!isBase64Character(c)) {
      return std::nullopt;
    }
    if (c == '+') {
      c = '-';
    } else if (c == '/') {
      c = '_';
    }
  }
  return decodeBase64Url(url);
}

std::string allowHeader(const std::vector<http::verb>& verbs) {
  std::string allow;
  for (const http::verb verb : verbs) {
    if (!allow.empty()) {
      allow += ", ";
    }
    allow += http::to_string(verb);
  }
  return allow;
}

}  // namespace

RestApi::RestApi(RoomRegistry& rooms, const ApplicationRegistry& applications)
    : rooms_(rooms),
      applications_(applications),
      routes_{
          {{"api", "v1", "rooms"}, {{http::verb::get, &RestApi::listRooms}}},
          {{"api", "v1", "rooms", kParameter},
           {{http::verb::get, &RestApi::getRoom}, {http::verb::delete_, &RestApi::closeRoom}}},
          {{"api", "v1", "rooms", kParameter, "participants", kParameter},
           {{http::verb::delete_, &RestApi::kickParticipant}}},
          {{"api", "v1", "rooms", kParameter, "tracks", kParameter, "mute"},
           {{http::verb::post, &RestApi::muteTrack}}},
          {{"api", "v1", "rooms", kParameter, "tracks", kParameter, "unmute"},
           {{http::verb::post, &RestApi::unmuteTrack}}},
      } {}

bool RestApi::owns(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  return path.starts_with(kPrefix) || path == kPrefix.substr(0, kPrefix.size() - 1);
}

RestApi::Response RestApi::handle(const Request& request) {
  Response response = route(request);
  ++requestsByStatus_[response.result_int()];
  return response;
}

RestApi::Response RestApi::route(const Request& request) {
  // Credentials first: without them, not even which paths exist is told.
  if (!authenticated(request)) {
    Response response =
        errorResponse(http::status::unauthorized, "unauthorized",
                      "an application key and secret are required (HTTP Basic)", request);
    response.set(http::field::www_authenticate, kBasicChallenge);
    return response;
  }
  const std::string_view target = request.target();
  const auto path = decodePath(target.substr(0, target.find('?')));
  if (!path) {
    return errorResponse(http::status::bad_request, "bad_request",
                         "the path has a malformed percent-encoding", request);
  }
  for (const Route& candidate : routes_) {
    auto parameters = match(candidate, *path);
    if (!parameters) {
      continue;
    }
    for (const Method& method : candidate.methods) {
      if (method.verb == request.method()) {
        return (this->*method.action)(request, *parameters);
      }
    }
    std::vector<http::verb> verbs;
    for (const Method& method : candidate.methods) {
      verbs.push_back(method.verb);
    }
    Response response = errorResponse(http::status::method_not_allowed, "method_not_allowed",
                                      "allowed here: " + allowHeader(verbs), request);
    response.set(http::field::allow, allowHeader(verbs));
    return response;
  }
  return notFound("API path", request);
}

// RFC 7617 §2: credentials are base64("key:secret"); the key cannot contain ':'. The secret is
// compared in constant time so its bytes cannot be found one by one from response times.
bool RestApi::authenticated(const Request& request) const {
  const auto header = request.find(http::field::authorization);
  if (header == request.end()) {
    return false;
  }
  const std::string_view value = header->value();
  constexpr std::string_view kScheme = "Basic ";
  // RFC 9110 §11.1: the scheme name is case-insensitive.
  if (value.size() <= kScheme.size() ||
      !boost::beast::iequals(value.substr(0, kScheme.size()), kScheme)) {
    return false;
  }
  std::string_view encoded = value.substr(kScheme.size());
  encoded.remove_prefix(std::min(encoded.find_first_not_of(' '), encoded.size()));
  const auto credentials = decodeBase64(encoded.substr(0, encoded.find_last_not_of(' ') + 1));
  if (!credentials) {
    return false;
  }
  const std::size_t colon = credentials->find(':');
  if (colon == std::string::npos) {
    return false;
  }
  const std::string_view given = std::string_view(*credentials).substr(colon + 1);
  const auto secret = applications_.secretOf(std::string_view(*credentials).substr(0, colon));
  // NOTE: the secret's length is not hidden; every configured secret has at least 32 bytes.
  return secret && secret->size() == given.size() &&
         CRYPTO_memcmp(secret->data(), given.data(), given.size()) == 0;
}

std::optional<RestApi::Parameters> RestApi::match(const Route& route,
                                                  const std::vector<std::string>& path) {
  if (route.pattern.size() != path.size()) {
    return std::nullopt;
  }
  Parameters parameters;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (route.pattern[i] == kParameter) {
      if (path[i].empty()) {
        return std::nullopt;
      }
      parameters.push_back(path[i]);
    } else if (route.pattern[i] != path[i]) {
      return std::nullopt;
    }
  }
  return parameters;
}

RestApi::Response RestApi::listRooms(const Request& request, const Parameters& /*parameters*/) {
  return jsonResponse(http::status::ok, request,
                      json::serialize(json::object{{"rooms", rooms_.describeRooms()}}));
}

RestApi::Response RestApi::getRoom(const Request& request, const Parameters& parameters) {
  const auto room = rooms_.describeRoom(parameters[0]);
  if (!room) {
    return notFound("room", request);
  }
  return jsonResponse(http::status::ok, request, json::serialize(*room));
}

RestApi::Response RestApi::closeRoom(const Request& request, const Parameters& parameters) {
  return rooms_.closeRoom(parameters[0]) ? noContent(request) : notFound("room", request);
}

RestApi::Response RestApi::kickParticipant(const Request& request, const Parameters& parameters) {
  return rooms_.kick(parameters[0], parameters[1]) ? noContent(request)
                                                   : notFound("room or participant", request);
}

RestApi::Response RestApi::muteTrack(const Request& request, const Parameters& parameters) {
  return rooms_.muteTrack(parameters[0], parameters[1], true) ? noContent(request)
                                                              : notFound("room or track", request);
}

RestApi::Response RestApi::unmuteTrack(const Request& request, const Parameters& parameters) {
  return rooms_.muteTrack(parameters[0], parameters[1], false) ? noContent(request)
                                                               : notFound("room or track", request);
}

}  // namespace chorus::signaling
