#include <string>

#include <spdlog/details/log_msg.h>

#include <gtest/gtest.h>

#include "server/log/JsonLineFormatter.h"
#include "server/log/Logging.h"

namespace chorus::server {
namespace {

std::string formatted(std::string_view payload) {
  const spdlog::details::log_msg message(spdlog::source_loc{}, "chorus", spdlog::level::info,
                                         spdlog::string_view_t(payload.data(), payload.size()));
  spdlog::memory_buf_t buffer;
  JsonLineFormatter().format(message, buffer);
  return {buffer.data(), buffer.size()};
}

TEST(LogEventTest, ParsesEventAndFields) {
  const auto event = LogEvent::parse("http_listening address=127.0.0.1 port=8080");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->event, "http_listening");
  ASSERT_EQ(event->fields.size(), 2U);
  EXPECT_EQ(event->fields[0].first, "address");
  EXPECT_EQ(event->fields[1].second, "8080");
}

TEST(LogEventTest, QuotedValuesKeepSpacesAndEscapes) {
  const auto event = LogEvent::parse(R"(failed error="no \"route\" to host" code=7)");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->fields[0].second, R"(no "route" to host)");
  EXPECT_EQ(event->fields[1].second, "7");
}

TEST(LogEventTest, ProseIsNotAnEvent) {
  EXPECT_FALSE(LogEvent::parse("Something went wrong here"));
  EXPECT_FALSE(LogEvent::parse("event value=\"unterminated"));
  EXPECT_FALSE(LogEvent::parse(""));
}

TEST(LogValueTest, QuotesOnlyWhenNeededAndReadsBack) {
  EXPECT_EQ(logValue("simple"), "simple");
  EXPECT_EQ(logValue(""), "\"\"");
  const std::string tricky = R"(a "b" \c=d)";
  const auto event = LogEvent::parse("e v=" + logValue(tricky));
  ASSERT_TRUE(event);
  EXPECT_EQ(event->fields[0].second, tricky);
}

TEST(JsonLineFormatterTest, EventBecomesOneJsonObjectLine) {
  const std::string line = formatted("http_listening address=127.0.0.1 port=8080");
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_TRUE(line.starts_with("{\"ts\":\""));
  EXPECT_NE(line.find("Z\",\"level\":\"info\",\"event\":\"http_listening\","
                      "\"address\":\"127.0.0.1\",\"port\":\"8080\"}"),
            std::string::npos)
      << line;
}

TEST(JsonLineFormatterTest, ProseIsEscapedIntoMsg) {
  const std::string line = formatted("bad \"thing\"\n\x01 happened");
  EXPECT_NE(line.find(R"("msg":"bad \"thing\"\n\u0001 happened"})"), std::string::npos) << line;
}

}  // namespace
}  // namespace chorus::server
