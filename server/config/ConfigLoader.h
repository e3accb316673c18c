#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "server/config/Config.h"

namespace chorus::server {

// Builds a Config from layered sources, each overriding the ones before it: the embedded
// defaults, a YAML file, CHORUS_* environment variables, command-line flags. Every mistake
// (unknown key, bad value, bad YAML) throws ConfigError naming the key, value and source.
class ConfigLoader {
 public:
  // Read by main, not by applyEnvironment: it names the file rather than a key.
  static constexpr std::string_view kConfigFileVariable = "CHORUS_CONFIG";

  void applyYamlFile(const std::filesystem::path& file);
  void applyYaml(std::string_view text, std::string_view source);
  // `environment` is a NULL-terminated array of "NAME=value" strings, like environ.
  void applyEnvironment(const char* const* environment);
  void set(std::string_view key, std::string_view value, std::string_view source);

  const Config& config() const { return config_; }

 private:
  Config config_;
};

// The configuration as a YAML document that ConfigLoader reads back to the same values, each
// key followed by a comment saying what it means (chorusd --print-config).
std::string toYaml(const Config& config);

}  // namespace chorus::server
