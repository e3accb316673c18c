#include "server/log/Logging.h"

#include <memory>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "server/log/JsonLineFormatter.h"

namespace chorus::server {
namespace {

spdlog::level::level_enum toSpdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return spdlog::level::trace;
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

void configureLogging(const Config::Log& config) {
  auto logger =
      std::make_shared<spdlog::logger>("chorus", std::make_shared<spdlog::sinks::stdout_sink_mt>());
  if (config.format == LogFormat::kJson) {
    logger->set_formatter(std::make_unique<JsonLineFormatter>());
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %-5l %v", spdlog::pattern_time_type::utc);
  }
  logger->set_level(toSpdlog(config.level));
  // Events are rare (no logging per packet), and a line must reach a collector even if the
  // process dies right after writing it.
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
}

std::string logValue(std::string_view value) {
  if (!value.empty() && value.find_first_of(" \"\\=") == std::string_view::npos) {
    return std::string(value);
  }
  std::string quoted = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') {
      quoted.push_back('\\');
    }
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

}  // namespace chorus::server
