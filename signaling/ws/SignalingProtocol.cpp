#include "signaling/ws/SignalingProtocol.h"

#include <algorithm>
#include <array>
#include <exception>
#include <iterator>

#include <boost/json.hpp>

#include "signaling/ws/SignalingError.h"

namespace chorus::signaling {
namespace json = boost::json;

namespace {

SignalingReply resultReply(const json::value& id, json::object result) {
  json::object reply;
  reply["id"] = id;
  reply["result"] = std::move(result);
  return {json::serialize(reply)};
}

SignalingReply errorReply(const json::value& id, SignalingError code, std::string_view message,
                          json::object details = {}) {
  json::object error;
  error["code"] = toString(code);
  error["message"] = message;
  if (!details.empty()) {
    error["details"] = std::move(details);
  }
  json::object reply;
  reply["id"] = id;
  reply["error"] = std::move(error);
  return {json::serialize(reply)};
}

// An id the client can match replies with: a string or an integer (a fraction would not
// round-trip through every client's JSON library).
bool isValidId(const json::value* id) {
  return id != nullptr && (id->is_string() || id->is_int64() || id->is_uint64());
}

// Enough of an unknown type to recognise it in the error message, not an echo of the payload.
// The cut backs off to a UTF-8 character boundary (RFC 3629 §3: continuation bytes are
// 10xxxxxx) so the reply stays valid UTF-8.
std::string_view echoable(std::string_view type) {
  constexpr std::size_t kMaxEchoedTypeBytes = 64;
  if (type.size() <= kMaxEchoedTypeBytes) {
    return type;
  }
  std::size_t end = kMaxEchoedTypeBytes;
  while (end > 0 && (static_cast<unsigned char>(type[end]) & 0xC0U) == 0x80U) {
    --end;
  }
  return type.substr(0, end);
}

SignalingReply outcomeReply(const json::value& id, RequestOutcome outcome) {
  if (outcome.error) {
    return errorReply(id, *outcome.error, outcome.message, std::move(outcome.details));
  }
  return resultReply(id, std::move(outcome.result));
}

constexpr std::array<std::string_view, 7> kRoomRequests{
    "ping", "join", "leave", "publish", "subscribe_answer", "mute", "restart_ice"};

bool isRoomRequest(std::string_view type) {
  return std::find(kRoomRequests.begin(), kRoomRequests.end(), type) != kRoomRequests.end();
}

RequestOutcome badRequest(std::string message) {
  return RequestOutcome::fail(SignalingError::kBadRequest, std::move(message));
}

const json::string* stringField(const json::object& request, std::string_view name) {
  const json::value* value = request.if_contains(name);
  return value != nullptr ? value->if_string() : nullptr;
}

}  // namespace

SignalingProtocol::SignalingProtocol(const TokenVerifier& verifier, SignalingLimits limits,
                                     TokenBucket::Clock::time_point now, RoomRegistry& rooms,
                                     ServerDrain& drain, ParticipantConnection& connection)
    : verifier_(verifier),
      limits_(limits),
      bucket_(static_cast<double>(limits.messagesPerSecond), static_cast<double>(limits.burst()),
              now),
      rooms_(rooms),
      drain_(drain),
      connection_(connection) {}

SignalingProtocol::~SignalingProtocol() {
  // The registry must never keep a connection that is gone, whichever way the session ended.
  onClosed(TokenBucket::Clock::now());
}

void SignalingProtocol::onClosed(TokenBucket::Clock::time_point now) {
  if (!closed_) {
    closed_ = true;
    drain_.remove(connection_);
    rooms_.disconnected(connection_, now);
  }
}

std::string SignalingProtocol::hello() const {
  json::object limits;
  limits["max_message_bytes"] = limits_.maxMessageBytes;
  limits["messages_per_second"] = limits_.messagesPerSecond;
  limits["message_burst"] = limits_.burst();
  json::object hello;
  hello["type"] = "hello";
  hello["protocol"] = kVersion;
  hello["limits"] = std::move(limits);
  // So that clients keep trying to resume for as long as the server keeps their participant.
  hello["resume_window_seconds"] = rooms_.resumeWindow().count();
  return json::serialize(hello);
}

void SignalingProtocol::open(TokenBucket::Clock::time_point now) {
  connection_.sendEvent(hello());
  drain_.add(connection_, now);
}

SignalingReply SignalingProtocol::onMessage(std::string_view text,
                                            TokenBucket::Clock::time_point now,
                                            std::chrono::system_clock::time_point wallClock) {
  // Every message counts against the rate, well-formed or not, so garbage cannot be sent
  // faster than requests.
  const bool withinRate = bucket_.take(now);
  json::error_code parseError;
  const json::value message = json::parse(text, parseError);
  const json::object* request = parseError ? nullptr : message.if_object();
  const json::value* id = request != nullptr ? request->if_contains("id") : nullptr;
  const json::value null;
  const json::value& replyId = isValidId(id) ? *id : null;
  if (!withinRate) {
    SignalingReply reply = errorReply(replyId, SignalingError::kRateLimited, "too many messages");
    reply.rateLimited = true;
    return reply;
  }
  if (parseError) {
    return errorReply(null, SignalingError::kBadRequest, "message is not JSON");
  }
  if (request == nullptr) {
    return errorReply(null, SignalingError::kBadRequest, "message is not a JSON object");
  }
  if (!isValidId(id)) {
    return errorReply(null, SignalingError::kBadRequest,
                      "id is missing or not a string or integer");
  }
  const json::value* typeValue = request->if_contains("type");
  if (typeValue == nullptr || !typeValue->is_string()) {
    return errorReply(*id, SignalingError::kBadRequest, "type is missing or not a string");
  }
  const std::string_view type = typeValue->get_string();
  try {
    if (type == "authenticate") {
      return authenticate(*request, *id, wallClock);
    }
    if (type == "resume") {
      const json::value* token = request->if_contains("resume_token");
      if (token == nullptr || !token->is_string()) {
        return errorReply(*id, SignalingError::kBadRequest,
                          "resume_token is missing or not a string");
      }
      return outcomeReply(*id, rooms_.resume(connection_, token->get_string(), identity_));
    }
    std::optional<RequestOutcome> outcome;
    if (identity_) {
      outcome = roomRequest(type, *request);
    } else if (isRoomRequest(type)) {
      // Every known request but authenticate and resume needs an authenticated connection.
      return errorReply(*id, SignalingError::kUnauthorized, "authenticate first");
    }
    if (!outcome) {
      return errorReply(*id, SignalingError::kUnknownType,
                        "unknown type: " + std::string(echoable(type)));
    }
    return outcomeReply(*id, std::move(*outcome));
  } catch (const std::exception&) {
    // The reason stays in the server: it may name internals the client has no use for.
    return errorReply(*id, SignalingError::kInternal, "internal error");
  }
}

SignalingReply SignalingProtocol::onBinaryMessage(TokenBucket::Clock::time_point now) {
  const bool withinRate = bucket_.take(now);
  SignalingReply reply = errorReply(
      json::value(), withinRate ? SignalingError::kBadRequest : SignalingError::kRateLimited,
      "messages are JSON text, not binary");
  reply.rateLimited = !withinRate;
  return reply;
}

SignalingReply SignalingProtocol::authenticate(const json::object& request, const json::value& id,
                                               std::chrono::system_clock::time_point wallClock) {
  const json::value* token = request.if_contains("token");
  if (token == nullptr || !token->is_string()) {
    return errorReply(id, SignalingError::kBadRequest, "token is missing or not a string");
  }
  TokenVerification verification = verifier_.verify(token->get_string(), wallClock);
  if (!verification.token) {
    SignalingReply reply =
        errorReply(id, SignalingError::kUnauthorized,
                   "token refused: " + std::string(toString(verification.error)));
    reply.close = true;
    reply.authFailure = verification.error;
    return reply;
  }
  identity_ = std::move(verification.token);
  json::object result;
  result["user"] = identity_->user;
  result["room"] = identity_->room.text();
  return resultReply(id, std::move(result));
}

std::optional<RequestOutcome> SignalingProtocol::roomRequest(std::string_view type,
                                                             const json::object& request) {
  if (type == "ping") {
    return RequestOutcome::ok();
  }
  if (type == "join") {
    return join(request);
  }
  if (type == "leave") {
    return rooms_.leave(connection_);
  }
  if (type == "publish" || type == "subscribe_answer") {
    const json::string* sdp = stringField(request, "sdp");
    if (sdp == nullptr) {
      return badRequest("sdp is missing or not a string");
    }
    if (type == "publish") {
      return rooms_.publish(connection_, *sdp);
    }
    const json::value* revision = request.if_contains("revision");
    if (revision == nullptr || !(revision->is_int64() || revision->is_uint64()) ||
        (revision->is_int64() && revision->get_int64() < 0)) {
      return badRequest("revision is missing or not a non-negative integer");
    }
    return rooms_.subscribeAnswer(connection_, revision->to_number<std::uint64_t>(), *sdp);
  }
  if (type == "mute") {
    const json::string* track = stringField(request, "track_id");
    const json::value* muted = request.if_contains("muted");
    if (track == nullptr || muted == nullptr || !muted->is_bool()) {
      return badRequest("track_id (string) and muted (boolean) are required");
    }
    return rooms_.mute(connection_, *track, muted->get_bool());
  }
  if (type == "restart_ice") {
    const json::string* transport = stringField(request, "transport");
    if (transport == nullptr || *transport != "subscribe") {
      return badRequest(
          R"(transport must be "subscribe"; the publish transport restarts with a publish )"
          "re-offer");
    }
    return rooms_.restartIce(connection_);
  }
  return std::nullopt;
}

RequestOutcome SignalingProtocol::join(const json::object& request) {
  // A draining server takes no one new, whatever the request; the client joins elsewhere.
  if (auto refusal = drain_.refuseJoin()) {
    rooms_.countRefusedJoin(SignalingError::kServerDraining);
    return std::move(*refusal);
  }
  const json::string* room = stringField(request, "room");
  if (room == nullptr) {
    return badRequest("room is missing or not a string");
  }
  JoinRequest join;
  join.roomId = *room;
  if (const json::value* kind = request.if_contains("kind")) {
    const auto parsed = kind->is_string() ? roomKindFrom(kind->get_string()) : std::nullopt;
    if (!parsed) {
      return badRequest(R"(kind must be "conference" or "group")");
    }
    join.kind = *parsed;
  }
  if (const json::value* name = request.if_contains("name")) {
    if (!name->is_string()) {
      return badRequest("name is not a string");
    }
    join.name = std::string(name->get_string());
  }
  return rooms_.join(connection_, *identity_, join);
}

}  // namespace chorus::signaling
