#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "signaling/sdp/SessionDescription.h"

namespace chorus::signaling {

// The browser captures in tests/data/sdp (see the README there).
inline std::filesystem::path sdpDataDir() {
  return std::filesystem::path(CHORUS_TEST_DATA_DIR) / "sdp";
}

inline std::string readSdpFile(const std::string& name) {
  std::ifstream file(sdpDataDir() / name, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

inline std::vector<std::string> sdpCaptureNames() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(sdpDataDir())) {
    if (entry.path().extension() == ".sdp") {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// gtest prints an error as "bad_rtpmap at line 7".
// NOLINTNEXTLINE(readability-identifier-naming): the name gtest looks up.
inline void PrintTo(const SdpError& error, std::ostream* out) {
  *out << toString(error.reason) << " at line " << error.line;
}

// Parses a capture, failing the test (with the reason and line) if it does not parse.
inline SessionDescription parseSdpFile(const std::string& name) {
  const auto result = SessionDescription::parse(readSdpFile(name));
  EXPECT_TRUE(result.description) << name << ": " << toString(result.error.reason) << " at line "
                                  << result.error.line;
  return result.description.value_or(SessionDescription{});
}

}  // namespace chorus::signaling
