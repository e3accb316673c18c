#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spdlog/formatter.h>

namespace chorus::server {

// A log message as Chorus writes it: an event name, then key=value fields, where a value with
// spaces is double-quoted with \" and \\ escapes:  http_listening address=127.0.0.1 port=8080
struct LogEvent {
  std::string event;
  std::vector<std::pair<std::string, std::string>> fields;

  // Nothing when `message` does not follow that shape; it is then logged as a plain message.
  static std::optional<LogEvent> parse(std::string_view message);
};

// Writes each log record as one JSON object on one line, the event's fields as members:
//   {"ts":"2026-11-26T10:00:00.000123Z","level":"info","event":"http_listening","port":"8080"}
class JsonLineFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

// `text` as a JSON string literal, quotes included.
std::string jsonQuote(std::string_view text);

}  // namespace chorus::server
