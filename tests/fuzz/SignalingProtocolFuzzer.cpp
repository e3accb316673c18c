// Whatever a WebSocket client sends as text, the protocol answers with one JSON object that
// carries an `id` and either a `result` or an `error` with a code, and never crashes. The input
// is split into several messages at newlines, so sequences (authenticate, then ping) are tried.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json.hpp>

#include "signaling/auth/ApplicationRegistry.h"
#include "signaling/auth/TokenVerifier.h"
#include "signaling/ws/SignalingProtocol.h"
#include "tests/support/FakeMediaTransports.h"

namespace {

const chorus::signaling::TokenVerifier& verifier() {
  static const chorus::signaling::TokenVerifier kVerifier = [] {
    chorus::signaling::ApplicationRegistry applications;
    applications.add("app", "fuzz-secret-fuzz-secret-fuzz-secret!");
    return chorus::signaling::TokenVerifier(std::move(applications));
  }();
  return kVerifier;
}

void checkReply(const std::string& text) {
  boost::system::error_code error;
  const boost::json::value reply = boost::json::parse(text, error);
  if (error || !reply.is_object() || !reply.as_object().contains("id")) {
    std::abort();
  }
  const auto& object = reply.as_object();
  const auto* failure = object.if_contains("error");
  if (!object.contains("result") &&
      (failure == nullptr || !failure->is_object() || !failure->as_object().contains("code"))) {
    std::abort();
  }
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto start = std::chrono::steady_clock::time_point(std::chrono::seconds(1000));
  const auto wallClock = std::chrono::system_clock::time_point(std::chrono::seconds(1800000000));
  chorus::test::FakeMediaTransports transports;
  chorus::signaling::RoomRegistry rooms({}, transports);
  chorus::signaling::ServerDrain drain(std::chrono::seconds(60));
  chorus::test::RecordingConnection connection;
  chorus::signaling::SignalingProtocol protocol(verifier(), {}, start, rooms, drain, connection);
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  int message = 0;
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find('\n'), rest.size());
    const auto reply =
        protocol.onMessage(rest.substr(0, end), start + std::chrono::seconds(++message), wallClock);
    checkReply(reply.text);
    rest.remove_prefix(std::min(end + 1, rest.size()));
  }
  return 0;
}
