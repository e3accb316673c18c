#include "server/log/JsonLineFormatter.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>

#include <spdlog/details/log_msg.h>

namespace chorus::server {
namespace {

bool isKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

// Reads one value at the start of `rest`, advancing past it: a bare word up to the next space,
// or a double-quoted string with \" and \\ escapes.
std::optional<std::string> readValue(std::string_view& rest) {
  std::string value;
  if (rest.empty() || rest.front() != '"') {
    const std::size_t end = std::min(rest.find(' '), rest.size());
    value = rest.substr(0, end);
    rest.remove_prefix(end);
    return value;
  }
  for (std::size_t i = 1; i < rest.size(); ++i) {
    if (rest[i] == '"') {
      rest.remove_prefix(i + 1);
      return value;
    }
    if (rest[i] == '\\' && i + 1 < rest.size()) {
      ++i;
    }
    value.push_back(rest[i]);
  }
  return std::nullopt;  // unterminated quote
}

std::string utcTimestamp(std::chrono::system_clock::time_point time) {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
  const auto seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 40> text{};
  const int length = std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                                   utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                                   utc.tm_min, utc.tm_sec, static_cast<int>(micros % 1'000'000));
  return {text.data(), static_cast<std::size_t>(length)};
}

void append(spdlog::memory_buf_t& dest, std::string_view text) {
  dest.append(text.data(), text.data() + text.size());
}

}  // namespace

std::optional<LogEvent> LogEvent::parse(std::string_view message) {
  LogEvent parsed;
  const std::size_t eventEnd = std::min(message.find(' '), message.size());
  parsed.event = message.substr(0, eventEnd);
  if (parsed.event.empty() || !std::all_of(parsed.event.begin(), parsed.event.end(), isKeyChar)) {
    return std::nullopt;
  }
  std::string_view rest = message.substr(eventEnd);
  while (!rest.empty()) {
    if (rest.front() == ' ') {
      rest.remove_prefix(1);
      continue;
    }
    const std::size_t equals = rest.find('=');
    if (equals == std::string_view::npos || equals == 0 ||
        !std::all_of(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(equals), isKeyChar)) {
      return std::nullopt;
    }
    std::string key(rest.substr(0, equals));
    rest.remove_prefix(equals + 1);
    auto value = readValue(rest);
    if (!value) {
      return std::nullopt;
    }
    parsed.fields.emplace_back(std::move(key), std::move(*value));
  }
  return parsed;
}

std::string jsonQuote(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        quoted += R"(\")";
        break;
      case '\\':
        quoted += R"(\\)";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\t':
        quoted += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          constexpr std::string_view kHex = "0123456789abcdef";
          const auto byte = static_cast<unsigned char>(c);
          quoted += R"(\u00)";
          quoted.push_back(kHex[byte >> 4]);
          quoted.push_back(kHex[byte & 0xf]);
        } else {
          quoted.push_back(c);
        }
    }
  }
  quoted.push_back('"');
  return quoted;
}

void JsonLineFormatter::format(const spdlog::details::log_msg& message,
                               spdlog::memory_buf_t& dest) {
  const std::string_view payload(message.payload.data(), message.payload.size());
  const auto level = spdlog::level::to_string_view(message.level);
  append(dest, R"({"ts":")" + utcTimestamp(message.time) + R"(","level":)");
  append(dest, jsonQuote(std::string_view(level.data(), level.size())));
  if (const auto event = LogEvent::parse(payload)) {
    append(dest, ",\"event\":" + jsonQuote(event->event));
    for (const auto& [key, value] : event->fields) {
      append(dest, "," + jsonQuote(key) + ":" + jsonQuote(value));
    }
  } else {
    append(dest, ",\"msg\":" + jsonQuote(payload));
  }
  append(dest, "}\n");
}

std::unique_ptr<spdlog::formatter> JsonLineFormatter::clone() const {
  return std::make_unique<JsonLineFormatter>();
}

}  // namespace chorus::server
