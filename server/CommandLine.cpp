#include "server/CommandLine.h"

#include <chrono>
#include <cstdint>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "server/config/ConfigKeys.h"
#include "server/config/ConfigLoader.h"
#include "server/metrics/BuildInfo.h"
#include "signaling/auth/AccessToken.h"
#include "signaling/auth/RoomPattern.h"
#include "signaling/auth/TokenMinter.h"

namespace chorus::server {
namespace {

// `chorusd token`'s options, as typed.
struct TokenRequest {
  std::string application;
  std::string secret;
  std::string user;
  std::string room;
  std::string ttl = "1h";
  bool publish = true;
  bool subscribe = true;
};

constexpr std::chrono::days kMaxTtl{365};

CLI::App* addTokenCommand(CLI::App& app, TokenRequest& request) {
  CLI::App* token = app.add_subcommand(
      "token", "print an access token (JWT, HS256) for one user and room, then exit");
  token->add_option("--app", request.application, "application key (the token's iss)")->required();
  token->add_option("--secret", request.secret, "the application's secret, at least 32 bytes")
      ->required();
  token->add_option("--user", request.user, "user id (sub)")->required();
  token->add_option("--room", request.room, R"(room id, "prefix*" or "*" (room))")->required();
  token->add_option("--ttl", request.ttl, "lifetime: a whole number with s, m, h or d")
      ->capture_default_str();
  token->add_option("--publish", request.publish, "may send media: true or false")
      ->capture_default_str();
  token->add_option("--subscribe", request.subscribe, "may receive media: true or false")
      ->capture_default_str();
  return token;
}

// "90s", "15m", "1h", "7d": a positive whole number and a unit, at most kMaxTtl.
std::chrono::seconds parseTtl(std::string_view text) {
  const std::string_view digits = text.substr(0, text.empty() ? 0 : text.size() - 1);
  const bool wellFormed = !digits.empty() && digits.size() <= 6 &&
                          digits.find_first_not_of("0123456789") == std::string_view::npos;
  std::int64_t unit = 0;
  switch (text.empty() ? '\0' : text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      break;
  }
  if (!wellFormed || unit == 0) {
    throw std::invalid_argument("--ttl \"" + std::string(text) +
                                "\" is not a lifetime: a whole number with s, m, h or d, like 1h");
  }
  const std::chrono::seconds ttl(std::stoll(std::string(digits)) * unit);
  if (ttl <= std::chrono::seconds::zero() || ttl > kMaxTtl) {
    throw std::invalid_argument("--ttl \"" + std::string(text) + "\" is not between 1s and " +
                                std::to_string(kMaxTtl.count()) + "d");
  }
  return ttl;
}

// The token, valid from now for the TTL. Throws std::invalid_argument naming the bad option.
std::string mintToken(const TokenRequest& request, std::chrono::system_clock::time_point now) {
  const auto room = signaling::RoomPattern::parse(request.room);
  if (!room) {
    throw std::invalid_argument(
        "--room \"" + request.room + R"(" is not a room id, "prefix*" or "*" (1 to )" +
        std::to_string(signaling::RoomPattern::kMaxBytes) + " bytes, * only at the end)");
  }
  const auto issuedAt = std::chrono::floor<std::chrono::seconds>(now);
  const signaling::AccessToken token{.application = request.application,
                                     .user = request.user,
                                     .notBefore = issuedAt,
                                     .expiresAt = issuedAt + parseTtl(request.ttl),
                                     .issuedAt = issuedAt,
                                     .room = *room,
                                     .publish = request.publish,
                                     .subscribe = request.subscribe};
  return signaling::TokenMinter(request.secret).mint(token);
}

}  // namespace

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

  TokenRequest tokenRequest;
  const CLI::App* tokenCommand = addTokenCommand(app, tokenRequest);

  CommandLine result;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    result.exitStatus = status == 0 ? 0 : kExitConfigError;
    return result;
  }
  if (tokenCommand->parsed()) {
    try {
      result.output = mintToken(tokenRequest, std::chrono::system_clock::now()) + "\n";
      result.exitStatus = 0;
    } catch (const std::invalid_argument& error) {
      std::cerr << "chorusd token: " << error.what() << "\n";
      result.exitStatus = kExitConfigError;
    }
    return result;
  }
  if (version) {
    result.output = "chorusd " + std::string(buildInfo().version) + " (" +
                    std::string(buildInfo().commit) + ")\n";
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
    result.output = toYaml(result.config);
    result.exitStatus = 0;
  }
  return result;
}

CommandLine CommandLine::parse(int argc, const char* const* argv) {
  return parse(argc, argv, environ);
}

}  // namespace chorus::server
