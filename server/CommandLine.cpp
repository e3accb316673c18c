#include "server/CommandLine.h"

#include <iostream>
#include <map>
#include <string>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "server/config/ConfigKeys.h"
#include "server/config/ConfigLoader.h"
#include "server/metrics/BuildInfo.h"

namespace chorus::server {

CommandLine CommandLine::parse(int argc, const char* const* argv, const char* const* environment) {
  CLI::App app{
      "chorusd: the Chorus media server (SFU) for conference and group calls.\n"
      "Configuration layers, each overriding the one before: built-in defaults, the\n"
      "YAML file, CHORUS_<KEY> environment variables (CHORUS_HTTP_PORT), flags."};
  std::string configFile;
  bool printConfig = false;
  bool version = false;
  app.add_option("-c,--config", configFile, "YAML configuration file (env CHORUS_CONFIG)");
  app.add_flag("--print-config", printConfig, "print the effective configuration as YAML, exit");
  app.add_flag("--version", version, "print the version and exit");
  std::map<std::string_view, std::string> flagValues;
  for (const ConfigKey& key : configKeys()) {
    app.add_option("--" + std::string(key.name), flagValues[key.name], std::string(key.help))
        ->group("Configuration keys")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // a later flag wins
  }

  CommandLine result;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    result.exitStatus = status == 0 ? 0 : kExitConfigError;
    return result;
  }
  if (version) {
    std::cout << "chorusd " << buildInfo().version << " (" << buildInfo().commit << ")\n";
    result.exitStatus = 0;
    return result;
  }

  try {
    ConfigLoader loader;
    if (configFile.empty()) {
      for (const char* const* entry = environment; *entry != nullptr; ++entry) {
        const std::string_view variable = *entry;
        const std::string prefix = std::string(ConfigLoader::kConfigFileVariable) + "=";
        if (variable.starts_with(prefix)) {
          configFile = variable.substr(prefix.size());
        }
      }
    }
    if (!configFile.empty()) {
      loader.applyYamlFile(configFile);
    }
    loader.applyEnvironment(environment);
    for (const ConfigKey& key : configKeys()) {
      if (app.count("--" + std::string(key.name)) > 0) {
        loader.set(key.name, flagValues[key.name], "flag --" + std::string(key.name));
      }
    }
    result.config = loader.config();
  } catch (const ConfigError& error) {
    std::cerr << "chorusd: " << error.what() << "\n";
    result.exitStatus = kExitConfigError;
    return result;
  }
  if (printConfig) {
    std::cout << toYaml(result.config);
    result.exitStatus = 0;
  }
  return result;
}

CommandLine CommandLine::parse(int argc, const char* const* argv) {
  return parse(argc, argv, environ);
}

}  // namespace chorus::server
