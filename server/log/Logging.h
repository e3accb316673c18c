#pragma once

#include <string>
#include <string_view>

#include "server/config/Config.h"

namespace chorus::server {

// Points spdlog's default logger at standard output in the configured format and level. Every
// layer logs through spdlog's free functions, one line per event: "event key=value ...".
void configureLogging(const Config::Log& config);

// A value for a key=value field, double-quoted when it holds a space, a quote or a backslash.
std::string logValue(std::string_view value);

}  // namespace chorus::server
