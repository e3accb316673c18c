#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "server/config/Config.h"

namespace chorus::server {

// One configuration key: its dotted name ("http.port"), what it means, how to set it from text
// (the YAML scalar, environment variable or flag value) and how to print it back.
struct ConfigKey {
  std::string_view name;
  std::string_view help;
  // Sets the key from text; returns why the text is not acceptable, or nothing on success.
  std::function<std::optional<std::string>(Config&, std::string_view)> assign;
  std::function<std::string(const Config&)> show;
  // Takes a list: a YAML sequence, or items separated by commas in a variable or flag.
  bool list = false;

  // CHORUS_HTTP_PORT for http.port.
  std::string environmentName() const;
};

// Every key, in the order they are documented.
std::span<const ConfigKey> configKeys();

const ConfigKey* findConfigKey(std::string_view name);

}  // namespace chorus::server
