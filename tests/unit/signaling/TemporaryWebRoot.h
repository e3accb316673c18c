#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

namespace chorus::signaling {

// A web root in a fresh temporary folder, removed with the object:
//   <root>/demo/index.html, <root>/demo/app.js, <root>/demo/sub/index.html,
//   <root>/secret.txt (outside demo/), <root>/demo/escape -> <root> (a symlink out of demo/),
//   <root>/sdk/chorus.js, <root>/sdk/chorus.d.ts (the SDK, served at /sdk/).
class TemporaryWebRoot {
 public:
  TemporaryWebRoot() {
    std::string pattern = (std::filesystem::temp_directory_path() / "chorus-web-XXXXXX").string();
    root_ = mkdtemp(pattern.data());
    write("demo/index.html", "<h1>demo</h1>");
    write("demo/app.js", "export const answer = 42;");
    write("demo/sub/index.html", "<p>sub</p>");
    write("demo/with space.txt", "spaced");
    write("secret.txt", "do not serve");
    write("sdk/chorus.js", "export class ChorusClient {}");
    write("sdk/chorus.d.ts", "export class ChorusClient {}");
    std::filesystem::create_directory_symlink(root_, root_ / "demo" / "escape");
  }
  ~TemporaryWebRoot() { std::filesystem::remove_all(root_); }
  TemporaryWebRoot(const TemporaryWebRoot&) = delete;
  TemporaryWebRoot& operator=(const TemporaryWebRoot&) = delete;

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path demo() const { return root_ / "demo"; }

 private:
  void write(std::string_view relative, std::string_view content) const {
    const auto file = root_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << content;
  }

  std::filesystem::path root_;
};

}  // namespace chorus::signaling
