#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "server/CommandLine.h"

namespace chorus::server {
namespace {

CommandLine parse(std::vector<const char*> arguments, std::vector<const char*> environment = {}) {
  arguments.insert(arguments.begin(), "chorusd");
  environment.push_back(nullptr);
  return CommandLine::parse(static_cast<int>(arguments.size()), arguments.data(),
                            environment.data());
}

TEST(CommandLineTest, NoArgumentsGiveTheEmbeddedDefaults) {
  const CommandLine line = parse({});
  EXPECT_FALSE(line.exitStatus);
  EXPECT_EQ(line.config.http.port, 8080);
}

TEST(CommandLineTest, EveryKeyIsAFlag) {
  const CommandLine line = parse({"--http.port", "0", "--workers.count=2", "--log.format", "json"});
  ASSERT_FALSE(line.exitStatus);
  EXPECT_EQ(line.config.http.port, 0);
  EXPECT_EQ(line.config.workers.count, 2U);
  EXPECT_EQ(line.config.log.format, LogFormat::kJson);
}

TEST(CommandLineTest, FlagsOverrideEnvironmentWhichOverridesTheFile) {
  const std::string file = ::testing::TempDir() + "chorus-layers.yaml";
  std::ofstream(file) << "http:\n  port: 1000\n  max_body_bytes: 4096\nworkers:\n  count: 7\n";
  const CommandLine line = parse({"--config", file.c_str(), "--http.port", "3000"},
                                 {"CHORUS_HTTP_PORT=2000", "CHORUS_WORKERS_COUNT=5"});
  std::filesystem::remove(file);
  ASSERT_FALSE(line.exitStatus);
  EXPECT_EQ(line.config.http.port, 3000);           // flag
  EXPECT_EQ(line.config.workers.count, 5U);         // environment over file
  EXPECT_EQ(line.config.http.maxBodyBytes, 4096U);  // file over default
}

TEST(CommandLineTest, ConfigFileMayComeFromTheEnvironment) {
  const std::string file = ::testing::TempDir() + "chorus-env.yaml";
  std::ofstream(file) << "http:\n  port: 1234\n";
  const std::string variable = "CHORUS_CONFIG=" + file;
  const CommandLine line = parse({}, {variable.c_str()});
  std::filesystem::remove(file);
  ASSERT_FALSE(line.exitStatus);
  EXPECT_EQ(line.config.http.port, 1234);
}

TEST(CommandLineTest, BadValuesAndUnknownFlagsExitWithStatus2) {
  EXPECT_EQ(parse({"--http.port", "65536"}).exitStatus, 2);
  EXPECT_EQ(parse({"--no-such-flag"}).exitStatus, 2);
  EXPECT_EQ(parse({"--config", "/nonexistent.yaml"}).exitStatus, 2);
  EXPECT_EQ(parse({}, {"CHORUS_NOPE=1"}).exitStatus, 2);
}

TEST(CommandLineTest, HelpVersionAndPrintConfigExitWithStatus0) {
  EXPECT_EQ(parse({"--help"}).exitStatus, 0);
  EXPECT_EQ(parse({"--version"}).exitStatus, 0);
  EXPECT_EQ(parse({"--print-config"}).exitStatus, 0);
}

}  // namespace
}  // namespace chorus::server
