#include "server/config/ApplicationsFile.h"

#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "server/config/Config.h"

namespace chorus::server {

signaling::ApplicationRegistry loadApplications(const std::string& path) {
  signaling::ApplicationRegistry applications;
  if (path.empty()) {
    return applications;
  }
  const std::string where = "auth.applications_file " + path;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& error) {
    throw ConfigError(where + ": " + error.what());
  }
  if (!root.IsMap()) {
    throw ConfigError(where + ": must be a mapping of application key to secret");
  }
  for (const auto& entry : root) {
    if (!entry.first.IsScalar() || !entry.second.IsScalar()) {
      throw ConfigError(where + ": every entry must be `key: secret`");
    }
    try {
      applications.add(entry.first.as<std::string>(), entry.second.as<std::string>());
    } catch (const std::invalid_argument& error) {
      // The message names the key, never the secret.
      throw ConfigError(where + ": application " + entry.first.as<std::string>() + ": " +
                        error.what());
    }
  }
  return applications;
}

}  // namespace chorus::server
