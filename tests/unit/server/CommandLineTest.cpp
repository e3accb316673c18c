#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "server/CommandLine.h"
#include "signaling/auth/TokenVerifier.h"

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
  const CommandLine version = parse({"--version"});
  EXPECT_EQ(version.exitStatus, 0);
  EXPECT_TRUE(version.output.starts_with("chorusd ")) << version.output;
  const CommandLine printed = parse({"--print-config", "--http.port", "9123"});
  EXPECT_EQ(printed.exitStatus, 0);
  EXPECT_NE(printed.output.find("port: 9123"), std::string::npos) << printed.output;
}

constexpr const char* kTokenSecret = "cli-secret-0123456789abcdef0123456789";

// `chorusd token` with valid required options, each replaced or added by `options`.
CommandLine token(const std::map<std::string, std::string>& options) {
  std::map<std::string, std::string> all{
      {"--app", "app-1"}, {"--secret", kTokenSecret}, {"--user", "alice"}, {"--room", "standup"}};
  for (const auto& [name, value] : options) {
    all[name] = value;
  }
  std::vector<const char*> arguments{"token"};
  for (const auto& [name, value] : all) {
    arguments.push_back(name.c_str());
    arguments.push_back(value.c_str());
  }
  return parse(arguments);
}

// The printed token, verified with the application's secret now.
signaling::TokenVerification verifyPrinted(const CommandLine& line) {
  signaling::ApplicationRegistry applications;
  applications.add("app-1", kTokenSecret);
  std::string printed = line.output;
  if (!printed.empty() && printed.back() == '\n') {
    printed.pop_back();
  }
  return signaling::TokenVerifier(applications).verify(printed, std::chrono::system_clock::now());
}

TEST(CommandLineTest, TokenPrintsATokenThatVerifiesWithTheSecret) {
  const CommandLine line = token({{"--ttl", "1h"}});
  ASSERT_EQ(line.exitStatus, 0);
  EXPECT_EQ(std::count(line.output.begin(), line.output.end(), '\n'), 1);
  const auto result = verifyPrinted(line);
  ASSERT_TRUE(result.token) << signaling::toString(result.error);
  EXPECT_EQ(result.token->application, "app-1");
  EXPECT_EQ(result.token->user, "alice");
  EXPECT_TRUE(result.token->allowsRoom("standup"));
  EXPECT_FALSE(result.token->allowsRoom("standup-2"));
  EXPECT_EQ(result.token->expiresAt - result.token->notBefore, std::chrono::hours(1));
  EXPECT_EQ(result.token->issuedAt, result.token->notBefore);
  EXPECT_TRUE(result.token->publish);
  EXPECT_TRUE(result.token->subscribe);
}

TEST(CommandLineTest, TokenSignedWithAnotherSecretDoesNotVerify) {
  const CommandLine line = token({{"--secret", "another-secret-0123456789abcdef01234"}});
  ASSERT_EQ(line.exitStatus, 0);
  EXPECT_EQ(verifyPrinted(line).error, signaling::TokenError::kBadSignature);
}

TEST(CommandLineTest, TokenTtlUnitsGrantsAndRoomPatterns) {
  const auto lifetime = [](const char* ttl) {
    const auto result = verifyPrinted(token({{"--ttl", ttl}}));
    return result.token ? result.token->expiresAt - result.token->notBefore
                        : std::chrono::seconds(-1);
  };
  EXPECT_EQ(lifetime("90s"), std::chrono::seconds(90));
  EXPECT_EQ(lifetime("15m"), std::chrono::minutes(15));
  EXPECT_EQ(lifetime("2d"), std::chrono::hours(48));
  EXPECT_EQ(lifetime("365d"), std::chrono::hours(365 * 24));
  // Without --ttl: one hour.
  const auto defaults = verifyPrinted(token({}));
  ASSERT_TRUE(defaults.token);
  EXPECT_EQ(defaults.token->expiresAt - defaults.token->notBefore, std::chrono::hours(1));

  const auto viewer = verifyPrinted(token({{"--publish", "false"}, {"--subscribe", "true"}}));
  ASSERT_TRUE(viewer.token);
  EXPECT_FALSE(viewer.token->publish);
  EXPECT_TRUE(viewer.token->subscribe);

  const auto prefix = verifyPrinted(token({{"--room", "team-a/*"}}));
  ASSERT_TRUE(prefix.token);
  EXPECT_TRUE(prefix.token->allowsRoom("team-a/standup"));
  EXPECT_FALSE(prefix.token->allowsRoom("team-b/standup"));
}

TEST(CommandLineTest, TokenWithBadInputExitsWithStatus2AndPrintsNothing) {
  for (const char* ttl : {"1w", "0h", "h", "-1h", "1.5h", "", "1 h", "366d", "99999999999s"}) {
    const CommandLine line = token({{"--ttl", ttl}});
    EXPECT_EQ(line.exitStatus, 2) << ttl;
    EXPECT_TRUE(line.output.empty()) << ttl;
  }
  EXPECT_EQ(token({{"--room", "a*b"}}).exitStatus, 2);
  EXPECT_EQ(token({{"--publish", "maybe"}}).exitStatus, 2);
  EXPECT_EQ(token({{"--user", ""}}).exitStatus, 2);
  EXPECT_EQ(token({{"--secret", "short"}}).exitStatus, 2);
  EXPECT_EQ(
      parse({"token", "--app", "app-1", "--secret", kTokenSecret, "--room", "standup"}).exitStatus,
      2);                                                  // no --user
  EXPECT_EQ(token({{"--http.port", "1"}}).exitStatus, 2);  // server flags are not token options
}

}  // namespace
}  // namespace chorus::server
