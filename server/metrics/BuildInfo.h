#pragma once

#include <string_view>

namespace chorus::server {

// What was built: set by CMake when it configures (cmake/ChorusBuildInfo.cmake).
struct BuildInfo {
  std::string_view version;
  std::string_view commit;
  std::string_view compiler;
  std::string_view buildType;
};

const BuildInfo& buildInfo();

}  // namespace chorus::server
