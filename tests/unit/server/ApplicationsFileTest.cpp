// auth.applications_file: the YAML map of application keys to secrets, and the mistakes that
// must stop chorusd at start rather than refuse every token later.
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/config/ApplicationsFile.h"
#include "server/config/Config.h"

namespace chorus::server {
namespace {
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef-one";

std::string writeFile(const std::string& name, const std::string& content) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << content;
  return path;
}

std::string loadError(const std::string& path) {
  try {
    loadApplications(path);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(ApplicationsFileTest, EmptyPathMeansNoApplication) {
  EXPECT_EQ(loadApplications("").size(), 0U);
}

TEST(ApplicationsFileTest, ReadsKeySecretPairs) {
  const auto path = writeFile("apps-good.yaml", "app-1: \"" + std::string(kSecret) +
                                                    "\"\napp-2: " + std::string(kSecret) + "x\n");
  const auto applications = loadApplications(path);
  EXPECT_EQ(applications.size(), 2U);
  EXPECT_EQ(applications.secretOf("app-1"), kSecret);
  EXPECT_EQ(applications.secretOf("app-2"), std::string(kSecret) + "x");
}

TEST(ApplicationsFileTest, ShortSecretIsRefusedWithoutPrintingIt) {
  const auto path = writeFile("apps-short.yaml", "app-1: tooshortsecret\n");
  const std::string error = loadError(path);
  EXPECT_THAT(error, HasSubstr("app-1"));
  EXPECT_THAT(error, Not(HasSubstr("tooshortsecret")));
}

TEST(ApplicationsFileTest, MissingFileListOrNestedValueIsRefused) {
  EXPECT_THAT(loadError(::testing::TempDir() + "no-such-apps.yaml"),
              HasSubstr("auth.applications_file"));
  EXPECT_THAT(loadError(writeFile("apps-list.yaml", "- app-1\n")), HasSubstr("mapping"));
  EXPECT_THAT(loadError(writeFile("apps-nested.yaml", "app-1: {a: b}\n")),
              HasSubstr("key: secret"));
}

}  // namespace
}  // namespace chorus::server
