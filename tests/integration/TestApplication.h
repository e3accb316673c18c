#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace chorus::test {

// An application configured in the chorusd under test: its applications file, and access
// tokens minted with its secret (or, to test refusals, with another).
struct TestApplication {
  std::string key;
  std::string secret;

  // Writes the applications file into the test's temporary folder as `name`; its path.
  std::string writeFile(std::string_view name) const;

  struct Grant {
    std::string_view room = "*";
    std::chrono::seconds validFor = std::chrono::hours(1);
    bool publish = true;
    bool subscribe = true;
  };
  std::string mint(std::string user, const Grant& grant) const;
  std::string mint(std::string user) const { return mint(std::move(user), Grant{}); }
};

}  // namespace chorus::test
