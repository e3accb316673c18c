#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/config/ConfigKeys.h"
#include "server/config/ConfigLoader.h"

namespace chorus::server {
namespace {
using ::testing::HasSubstr;

// The message a ConfigError carries, or "" when `action` does not throw one.
template <typename Action>
std::string configErrorOf(Action action) {
  try {
    action();
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(ConfigLoaderTest, DefaultsAreTheDocumentedSingleNodeSetup) {
  const Config config = ConfigLoader().config();
  EXPECT_EQ(config.http.listenAddress, "127.0.0.1");
  EXPECT_EQ(config.http.port, 8080);
  EXPECT_EQ(config.media.listenAddress, "127.0.0.1");
  EXPECT_EQ(config.media.portBase, 40000);
  EXPECT_EQ(config.workers.count, 0U);
  EXPECT_EQ(config.log.level, LogLevel::kInfo);
}

TEST(ConfigLoaderTest, YamlSetsNestedKeys) {
  ConfigLoader loader;
  loader.applyYaml("http:\n  port: 9000\n  listen_address: '::1'\nlog:\n  format: json\n", "t");
  EXPECT_EQ(loader.config().http.port, 9000);
  EXPECT_EQ(loader.config().http.listenAddress, "::1");
  EXPECT_EQ(loader.config().log.format, LogFormat::kJson);
}

TEST(ConfigLoaderTest, EmptyDocumentChangesNothing) {
  ConfigLoader loader;
  loader.applyYaml("", "empty.yaml");
  loader.applyYaml("# only a comment\n", "comment.yaml");
  EXPECT_EQ(loader.config().http.port, 8080);
}

TEST(ConfigLoaderTest, UnknownKeyIsNamedWithItsFileAndLine) {
  const auto message = configErrorOf(
      [] { ConfigLoader().applyYaml("http:\n  port: 9000\n  prot: 9001\n", "bad.yaml"); });
  EXPECT_THAT(message, HasSubstr("bad.yaml:3"));
  EXPECT_THAT(message, HasSubstr("unknown key \"http.prot\""));
}

TEST(ConfigLoaderTest, UnknownSectionIsNamed) {
  EXPECT_THAT(configErrorOf([] { ConfigLoader().applyYaml("htp:\n  port: 1\n", "bad.yaml"); }),
              HasSubstr("unknown key \"htp.port\""));
}

TEST(ConfigLoaderTest, BadPortNamesKeyAndValue) {
  const auto message =
      configErrorOf([] { ConfigLoader().applyYaml("http:\n  port: 70000\n", "bad.yaml"); });
  EXPECT_THAT(message, HasSubstr("http.port = \"70000\""));
  EXPECT_THAT(message, HasSubstr("from 0 to 65535"));
  EXPECT_THAT(configErrorOf([] { ConfigLoader().set("http.port", "80a", "flag"); }),
              HasSubstr("http.port = \"80a\""));
  EXPECT_THAT(configErrorOf([] { ConfigLoader().set("http.port", "-1", "flag"); }),
              HasSubstr("http.port"));
}

TEST(ConfigLoaderTest, BadAddressNamesKeyAndValue) {
  const auto message = configErrorOf(
      [] { ConfigLoader().applyYaml("media:\n  listen_address: 300.1.1.1\n", "bad.yaml"); });
  EXPECT_THAT(message, HasSubstr("media.listen_address = \"300.1.1.1\""));
  EXPECT_THAT(message, HasSubstr("not an IPv4 or IPv6 address"));
}

TEST(ConfigLoaderTest, SrtpProfilesAreAnOrderedListOfDistinctNames) {
  ConfigLoader loader;
  loader.set("dtls.srtp_profiles", "aes128_cm_sha1_80, aead_aes_128_gcm", "flag");
  EXPECT_EQ(loader.config().dtls.srtpProfiles,
            (std::vector<media::SrtpProfile>{media::SrtpProfile::kAes128CmSha1Tag80,
                                             media::SrtpProfile::kAeadAes128Gcm}));
  EXPECT_THAT(toYaml(loader.config()),
              HasSubstr("srtp_profiles: aes128_cm_sha1_80,aead_aes_128_gcm"));
  EXPECT_THAT(configErrorOf([] { ConfigLoader().set("dtls.srtp_profiles", "aes_gcm", "flag"); }),
              HasSubstr("dtls.srtp_profiles = \"aes_gcm\""));
  EXPECT_THAT(configErrorOf([] {
                ConfigLoader().set("dtls.srtp_profiles", "aead_aes_128_gcm,aead_aes_128_gcm", "f");
              }),
              HasSubstr("distinct"));
  EXPECT_THAT(configErrorOf([] { ConfigLoader().set("dtls.srtp_profiles", "", "flag"); }),
              HasSubstr("names nothing"));
}

TEST(ConfigLoaderTest, VideoCodecsAreAnOrderedListOfKnownCodecs) {
  ConfigLoader loader;
  loader.set("rooms.video_codecs", "h264-main, vp8", "flag");
  EXPECT_EQ(loader.config().rooms.videoCodecs,
            (std::vector<signaling::VideoCodec>{signaling::VideoCodec::kH264Main,
                                                signaling::VideoCodec::kVp8}));
  EXPECT_THAT(toYaml(loader.config()), HasSubstr("video_codecs: h264-main,vp8"));
  EXPECT_THAT(configErrorOf([] { ConfigLoader().set("rooms.video_codecs", "h265", "flag"); }),
              HasSubstr("vp8, vp9, h264-constrained-baseline, h264-main, av1"));
}

TEST(ConfigLoaderTest, BadChoiceListsTheChoices) {
  EXPECT_THAT(configErrorOf([] { ConfigLoader().set("log.level", "loud", "flag"); }),
              HasSubstr("is not one of: trace debug info warn error"));
}

TEST(ConfigLoaderTest, ListsAndEmptyValuesAreErrors) {
  EXPECT_THAT(configErrorOf([] { ConfigLoader().applyYaml("http:\n  port: [1, 2]\n", "f"); }),
              HasSubstr("is a list"));
  EXPECT_THAT(configErrorOf([] { ConfigLoader().applyYaml("http:\n  port:\n", "f"); }),
              HasSubstr("has no value"));
  EXPECT_THAT(configErrorOf([] { ConfigLoader().applyYaml("- 1\n- 2\n", "f"); }),
              HasSubstr("top level must be a mapping"));
}

TEST(ConfigLoaderTest, InvalidYamlGivesTheLine) {
  EXPECT_THAT(configErrorOf([] { ConfigLoader().applyYaml("http:\n  port: [1\n", "f.yaml"); }),
              HasSubstr("f.yaml:"));
}

TEST(ConfigLoaderTest, MissingFileIsAnError) {
  EXPECT_THAT(configErrorOf([] { ConfigLoader().applyYamlFile("/nonexistent/chorus.yaml"); }),
              HasSubstr("cannot read config file"));
}

TEST(ConfigLoaderTest, EnvironmentOverridesKeys) {
  const std::vector<const char*> environment{"HOME=/root", "CHORUS_HTTP_PORT=9100",
                                             "CHORUS_WORKERS_COUNT=3",
                                             "CHORUS_CONFIG=/ignored.yaml", nullptr};
  ConfigLoader loader;
  loader.applyEnvironment(environment.data());
  EXPECT_EQ(loader.config().http.port, 9100);
  EXPECT_EQ(loader.config().workers.count, 3U);
}

TEST(ConfigLoaderTest, DrainDeadlineIs60SecondsByDefaultAndZeroTurnsDrainingOff) {
  EXPECT_EQ(ConfigLoader().config().drain.deadline, std::chrono::seconds(60));
  const std::vector<const char*> environment{"CHORUS_DRAIN_DEADLINE_SECONDS=0", nullptr};
  ConfigLoader loader;
  loader.applyEnvironment(environment.data());
  EXPECT_EQ(loader.config().drain.deadline, std::chrono::seconds(0));
  loader.applyYaml("drain:\n  deadline_seconds: 2\n", "test.yaml");
  EXPECT_EQ(loader.config().drain.deadline, std::chrono::seconds(2));
  EXPECT_THAT(configErrorOf([&] { loader.applyYaml("drain:\n  deadline_seconds: -1\n", "t"); }),
              HasSubstr("is not a number of seconds from 0 to 86400"));
  // The other durations still refuse 0.
  EXPECT_THAT(configErrorOf([&] { loader.applyYaml("rooms:\n  resume_window_seconds: 0\n", "t"); }),
              HasSubstr("is not a number of seconds from 1 to 86400"));
}

TEST(ConfigLoaderTest, UnknownChorusVariableIsAnError) {
  const std::vector<const char*> environment{"CHORUS_HTTP_PROT=1", nullptr};
  EXPECT_THAT(configErrorOf([&] { ConfigLoader().applyEnvironment(environment.data()); }),
              HasSubstr("unknown variable \"CHORUS_HTTP_PROT\""));
}

TEST(ConfigLoaderTest, PrintedConfigReadsBackToTheSameValues) {
  ConfigLoader changed;
  changed.applyYaml(
      "http:\n  port: 9000\n  web_root: '/srv/my web'\nlog:\n  level: debug\n"
      "workers:\n  count: 4\nmedia:\n  listen_address: 0.0.0.0\n",
      "t");
  const std::string printed = toYaml(changed.config());
  ConfigLoader reread;
  reread.applyYaml(printed, "printed");
  EXPECT_EQ(toYaml(reread.config()), printed);
  EXPECT_EQ(reread.config().http.webRoot, "/srv/my web");
  EXPECT_EQ(reread.config().workers.count, 4U);
}

TEST(ConfigLoaderTest, EveryKeyIsDocumentedInTheReadme) {
  std::ifstream readme(CHORUS_SOURCE_DIR "/README.md");
  const std::string text{std::istreambuf_iterator<char>(readme), std::istreambuf_iterator<char>()};
  ASSERT_FALSE(text.empty());
  for (const ConfigKey& key : configKeys()) {
    EXPECT_THAT(text, HasSubstr("`" + std::string(key.name) + "`")) << key.name;
    EXPECT_THAT(text, HasSubstr("`" + key.environmentName() + "`")) << key.name;
  }
}

TEST(ConfigLoaderTest, DevModeIsOffByDefaultAndTakesTrueOrFalse) {
  EXPECT_FALSE(ConfigLoader().config().devMode);
  ConfigLoader loader;
  loader.applyYaml("dev_mode: true\n", "t");
  EXPECT_TRUE(loader.config().devMode);
  loader.set("dev_mode", "false", "flag");
  EXPECT_FALSE(loader.config().devMode);
  EXPECT_THAT(configErrorOf([] { ConfigLoader().set("dev_mode", "yes", "flag"); }),
              HasSubstr("is not true or false"));
}

TEST(ConfigLoaderTest, AllowedOriginsTakeAYamlListOrCommasAndAreNormalized) {
  ConfigLoader loader;
  loader.applyYaml(
      "signaling:\n  allowed_origins:\n    - HTTPS://App.Example.com\n"
      "    - http://localhost:8080\n",
      "t");
  EXPECT_EQ(loader.config().signaling.allowedOrigins,
            (std::vector<std::string>{"https://app.example.com", "http://localhost:8080"}));
  loader.set("signaling.allowed_origins", "https://a.example, https://b.example", "flag");
  EXPECT_EQ(loader.config().signaling.allowedOrigins,
            (std::vector<std::string>{"https://a.example", "https://b.example"}));
  loader.applyYaml("signaling:\n  allowed_origins: []\n", "t");
  EXPECT_TRUE(loader.config().signaling.allowedOrigins.empty());
  EXPECT_THAT(configErrorOf([] {
                ConfigLoader().set("signaling.allowed_origins", "https://a.example/", "flag");
              }),
              HasSubstr("signaling.allowed_origins"));
}

TEST(ConfigLoaderTest, PrintedTopLevelAndListKeysReadBack) {
  ConfigLoader changed;
  changed.applyYaml(
      "dev_mode: true\nsignaling:\n  allowed_origins: [https://a.example, https://b.example]\n",
      "t");
  const std::string printed = toYaml(changed.config());
  ConfigLoader reread;
  reread.applyYaml(printed, "printed");
  EXPECT_EQ(toYaml(reread.config()), printed);
  EXPECT_TRUE(reread.config().devMode);
  EXPECT_EQ(reread.config().signaling.allowedOrigins.size(), 2U);
  ConfigLoader defaults;
  defaults.applyYaml(toYaml(Config{}), "printed defaults");
  EXPECT_TRUE(defaults.config().signaling.allowedOrigins.empty());
}

// The sample files in deploy/config must stay loadable as the configuration evolves.
TEST(ConfigLoaderTest, SampleConfigFilesLoad) {
  ConfigLoader development;
  development.applyYamlFile(CHORUS_SOURCE_DIR "/deploy/config/dev.yaml");
  EXPECT_TRUE(development.config().devMode);

  ConfigLoader production;
  production.applyYamlFile(CHORUS_SOURCE_DIR "/deploy/config/production.yaml");
  EXPECT_FALSE(production.config().devMode);
  EXPECT_EQ(production.config().http.listenAddress, "0.0.0.0");
  EXPECT_EQ(production.config().media.listenAddress, "0.0.0.0");
  EXPECT_FALSE(production.config().auth.applicationsFile.empty());
}

}  // namespace
}  // namespace chorus::server
