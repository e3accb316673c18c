#include "signaling/http/StaticFiles.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <utility>

namespace chorus::signaling {
namespace {

std::optional<int> hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return std::nullopt;
}

// RFC 3986 §2.1 percent-decoding. A truncated or non-hex escape, or a decoded NUL, makes the
// whole path invalid rather than being passed through.
std::optional<std::string> percentDecode(std::string_view path) {
  std::string decoded;
  decoded.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '%') {
      decoded.push_back(path[i]);
      continue;
    }
    if (i + 2 >= path.size()) {
      return std::nullopt;
    }
    const auto high = hexValue(path[i + 1]);
    const auto low = hexValue(path[i + 2]);
    if (!high || !low || (*high == 0 && *low == 0)) {
      return std::nullopt;
    }
    decoded.push_back(static_cast<char>(*high * 16 + *low));
    i += 2;
  }
  return decoded;
}

bool isSafeSegment(std::string_view segment) {
  if (segment == "." || segment == "..") {
    return false;
  }
  // Control characters (NUL included) and backslashes, which some systems treat as separators.
  return std::ranges::none_of(
      segment, [](char c) { return c == '\\' || static_cast<unsigned char>(c) < 0x20; });
}

bool isInside(const std::filesystem::path& candidate, const std::filesystem::path& root) {
  return std::mismatch(root.begin(), root.end(), candidate.begin(), candidate.end()).first ==
         root.end();
}

}  // namespace

StaticFiles::StaticFiles(const std::filesystem::path& root)
    : root_(std::filesystem::weakly_canonical(std::filesystem::absolute(root))) {}

std::optional<std::filesystem::path> StaticFiles::resolve(std::string_view target) const {
  const std::string_view path = target.substr(0, target.find_first_of("?#"));
  if (path.empty() || path.front() != '/') {
    return std::nullopt;
  }
  const auto decoded = percentDecode(path);
  if (!decoded) {
    return std::nullopt;
  }
  std::filesystem::path relative;
  std::string_view rest = *decoded;
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (segment.empty()) {
      continue;
    }
    if (!isSafeSegment(segment)) {
      return std::nullopt;
    }
    relative /= std::filesystem::path(segment);
  }
  std::filesystem::path file = root_ / relative;
  std::error_code error;
  if (relative.empty() || std::filesystem::is_directory(file, error)) {
    file /= "index.html";
  }
  // Symbolic links are followed here, so a link pointing out of the root is caught too.
  file = std::filesystem::weakly_canonical(file, error);
  if (error || !isInside(file, root_)) {
    return std::nullopt;
  }
  return file;
}

std::optional<StaticFile> StaticFiles::find(std::string_view target) const {
  const auto file = resolve(target);
  std::error_code error;
  if (!file || !std::filesystem::is_regular_file(*file, error)) {
    return std::nullopt;
  }
  std::ifstream stream(*file, std::ios::binary);
  if (!stream) {
    return std::nullopt;
  }
  std::string body{std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
  return StaticFile{std::move(body), contentTypeFor(*file)};
}

std::string_view contentTypeFor(const std::filesystem::path& file) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".wasm", "application/wasm"},
      // TypeScript declarations (the SDK's chorus.d.ts): text to read and for tools to fetch;
      // no registered media type exists for TypeScript.
      {".ts", "text/plain; charset=utf-8"},
  }};
  const std::string extension = file.extension().string();
  for (const auto& [suffix, type] : kTypes) {
    if (extension == suffix) {
      return type;
    }
  }
  return "application/octet-stream";
}

}  // namespace chorus::signaling
