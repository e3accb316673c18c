// Whatever request target arrives, StaticFiles resolves it inside its root or not at all.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <unistd.h>

#include "signaling/http/StaticFiles.h"

namespace {

// A root with a subfolder, beside a sibling the fuzzer must never reach; removed at exit.
struct FuzzRoot {
  FuzzRoot() : base(makeBase()), files(base / "root") {}
  ~FuzzRoot() { std::filesystem::remove_all(base); }
  FuzzRoot(const FuzzRoot&) = delete;
  FuzzRoot& operator=(const FuzzRoot&) = delete;

  static std::filesystem::path makeBase() {
    std::string pattern = (std::filesystem::temp_directory_path() / "chorus-fuzz-XXXXXX").string();
    std::filesystem::path base = mkdtemp(pattern.data());
    std::filesystem::create_directories(base / "root" / "sub");
    std::filesystem::create_directories(base / "outside");
    return base;
  }

  std::filesystem::path base;
  chorus::signaling::StaticFiles files;
};

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  static const FuzzRoot kRoot;
  const auto& staticFiles = kRoot.files;
  const auto resolved = staticFiles.resolve(target);
  if (!resolved) {
    return 0;
  }
  const auto relative = resolved->lexically_relative(staticFiles.root());
  if (relative.empty() || *relative.begin() == "..") {
    std::abort();  // escaped the root
  }
  return 0;
}
