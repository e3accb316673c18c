#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace chorus::signaling {

struct StaticFile {
  std::string body;
  std::string_view contentType;
};

// Serves the files under one folder (the web client) by URL path. The path comes from the
// network, so it is decoded strictly and the result is proven to stay inside the folder, also
// through symbolic links.
class StaticFiles {
 public:
  explicit StaticFiles(const std::filesystem::path& root);

  // The file a request target ("/", "/app.js?v=2") names, or nothing when there is none or the
  // target is malformed or tries to leave the folder. A folder serves its index.html.
  std::optional<StaticFile> find(std::string_view target) const;

  // The path under the root that a target names, or nothing if the target is malformed or
  // escapes the root. Exposed for the fuzz target, which checks the containment property.
  std::optional<std::filesystem::path> resolve(std::string_view target) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

std::string_view contentTypeFor(const std::filesystem::path& file);

}  // namespace chorus::signaling
