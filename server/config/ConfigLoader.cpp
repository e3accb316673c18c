#include "server/config/ConfigLoader.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "server/config/ConfigKeys.h"

namespace chorus::server {
namespace {

std::string inQuotes(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

// A YAML sequence of scalars as the comma-separated text a list key's assign() takes.
std::string joinedItems(const YAML::Node& sequence, const std::string& where,
                        const std::string& name) {
  std::string text;
  for (const auto& item : sequence) {
    if (!item.IsScalar() || item.Scalar().find(',') != std::string::npos) {
      throw ConfigError(where + ": key " + inQuotes(name) +
                        " is a list of single values without commas");
    }
    text += (text.empty() ? "" : ",") + item.Scalar();
  }
  return text;
}

// Walks a YAML mapping and hands each scalar to `set` under its dotted path ("http.port").
// Recursion is bounded by the file's nesting, and config files are the operator's own.
void applyNode(  // NOLINT(misc-no-recursion)
    ConfigLoader& loader, const YAML::Node& node, const std::string& prefix,
    std::string_view source) {
  for (const auto& entry : node) {
    const std::string name = prefix + entry.first.as<std::string>();
    const YAML::Node& value = entry.second;
    const std::string where = std::string(source) + ":" + std::to_string(value.Mark().line + 1);
    const ConfigKey* key = findConfigKey(name);
    if (value.IsMap()) {
      applyNode(loader, value, name + ".", source);
    } else if (value.IsScalar()) {
      loader.set(name, value.Scalar(), where);
    } else if (value.IsSequence() && key != nullptr && key->list) {
      loader.set(name, joinedItems(value, where, name), where);
    } else {
      throw ConfigError(where + ": key " + inQuotes(name) +
                        (value.IsSequence() ? " is a list; it takes one value" : " has no value"));
    }
  }
}

// One key's line of --print-config: a list key as a flow sequence, others as a scalar.
void writeValue(YAML::Emitter& out, const ConfigKey& key, const std::string& leaf,
                const Config& config) {
  out << YAML::Key << leaf << YAML::Value;
  const std::string text = key.show(config);
  if (key.list) {
    out << YAML::Flow << YAML::BeginSeq;
    for (std::size_t start = 0; start < text.size();) {
      const std::size_t comma = std::min(text.find(',', start), text.size());
      out << text.substr(start, comma - start);
      start = comma + 1;
    }
    out << YAML::EndSeq;
  } else {
    out << text;
  }
  out << YAML::Comment(std::string(key.help));
}

}  // namespace

void ConfigLoader::applyYamlFile(const std::filesystem::path& file) {
  std::ifstream stream(file);
  if (!stream) {
    throw ConfigError("cannot read config file " + inQuotes(file.string()));
  }
  const std::string text{std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
  applyYaml(text, file.string());
}

void ConfigLoader::applyYaml(std::string_view text, std::string_view source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& error) {
    throw ConfigError(std::string(source) + ":" + std::to_string(error.mark.line + 1) +
                      ": not valid YAML: " + error.msg);
  }
  if (root.IsNull()) {
    return;  // an empty file changes nothing
  }
  if (!root.IsMap()) {
    throw ConfigError(std::string(source) + ": the top level must be a mapping of sections");
  }
  try {
    applyNode(*this, root, "", source);
  } catch (const YAML::Exception& error) {
    throw ConfigError(std::string(source) + ":" + std::to_string(error.mark.line + 1) + ": " +
                      error.msg);
  }
}

void ConfigLoader::applyEnvironment(const char* const* environment) {
  constexpr std::string_view kPrefix = "CHORUS_";
  for (const char* const* entry = environment; *entry != nullptr; ++entry) {
    const std::string_view variable = *entry;
    const std::size_t equals = variable.find('=');
    const std::string_view name = variable.substr(0, equals);
    if (!name.starts_with(kPrefix) || name == kConfigFileVariable ||
        equals == std::string_view::npos) {
      continue;
    }
    const auto keys = configKeys();
    const auto key = std::find_if(keys.begin(), keys.end(), [name](const ConfigKey& candidate) {
      return candidate.environmentName() == name;
    });
    if (key == keys.end()) {
      throw ConfigError("environment: unknown variable " + inQuotes(name) +
                        " (every CHORUS_* variable must name a configuration key)");
    }
    set(key->name, variable.substr(equals + 1), "environment " + std::string(name));
  }
}

void ConfigLoader::set(std::string_view key, std::string_view value, std::string_view source) {
  const ConfigKey* found = findConfigKey(key);
  if (found == nullptr) {
    throw ConfigError(std::string(source) + ": unknown key " + inQuotes(key));
  }
  if (const auto problem = found->assign(config_, value)) {
    throw ConfigError(std::string(source) + ": " + std::string(key) + " = " + inQuotes(value) +
                      " " + *problem);
  }
}

std::string toYaml(const Config& config) {
  // Group keys by section, keeping the documented order.
  std::vector<std::pair<std::string_view, std::vector<const ConfigKey*>>> sections;
  for (const ConfigKey& key : configKeys()) {
    const std::string_view section = key.name.substr(0, key.name.find('.'));
    if (sections.empty() || sections.back().first != section) {
      sections.emplace_back(section, std::vector<const ConfigKey*>{});
    }
    sections.back().second.push_back(&key);
  }
  YAML::Emitter out;
  out << YAML::Comment("chorusd configuration; every key may be left out to keep its default");
  out << YAML::BeginMap;
  for (const auto& [section, keys] : sections) {
    if (keys.size() == 1 && keys.front()->name == section) {
      // A top-level key such as dev_mode.
      writeValue(out, *keys.front(), std::string(section), config);
      continue;
    }
    out << YAML::Key << std::string(section) << YAML::Value << YAML::BeginMap;
    for (const ConfigKey* key : keys) {
      writeValue(out, *key, std::string(key->name.substr(section.size() + 1)), config);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace chorus::server
