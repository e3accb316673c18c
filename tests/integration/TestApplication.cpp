#include "tests/integration/TestApplication.h"

#include <atomic>
#include <fstream>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

#include "signaling/auth/TokenMinter.h"

namespace chorus::test {

std::string TestApplication::writeFile(std::string_view name) const {
  // ctest runs tests in parallel processes that share TempDir(): a name of their own, so no
  // chorusd reads a file another test is rewriting.
  static std::atomic<unsigned> files{0};
  std::string path = ::testing::TempDir() + std::to_string(::getpid()) + "-" +
                     std::to_string(files++) + "-" + std::string(name);
  std::ofstream(path) << key << ": \"" << secret << "\"\n";
  return path;
}

std::string TestApplication::mint(std::string user, const Grant& grant) const {
  using namespace std::chrono_literals;
  const auto now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  const signaling::AccessToken claims{.application = key,
                                      .user = std::move(user),
                                      .notBefore = now - 2h,
                                      .expiresAt = now + grant.validFor,
                                      .issuedAt = std::nullopt,
                                      .room = *signaling::RoomPattern::parse(grant.room),
                                      .publish = grant.publish,
                                      .subscribe = grant.subscribe};
  return signaling::TokenMinter(secret).mint(claims);
}

}  // namespace chorus::test
