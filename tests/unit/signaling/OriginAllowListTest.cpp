#include <stdexcept>

#include <gtest/gtest.h>

#include "signaling/http/OriginAllowList.h"

namespace chorus::signaling {
namespace {

TEST(OriginAllowListTest, NormalizeLowercasesSchemeAndHostAndKeepsThePort) {
  EXPECT_EQ(OriginAllowList::normalize("HTTPS://App.Example.COM"), "https://app.example.com");
  EXPECT_EQ(OriginAllowList::normalize("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
  EXPECT_EQ(OriginAllowList::normalize("https://[::1]:8443"), "https://[::1]:8443");
  EXPECT_EQ(OriginAllowList::normalize("https://[::1]"), "https://[::1]");
}

TEST(OriginAllowListTest, NormalizeRefusesWhatIsNotAnOrigin) {
  for (const char* bad : {"", "null", "app.example.com", "https://", "https://app.example.com/",
                          "https://app.example.com/path", "https://user@app.example.com",
                          "https://a.com:", "https://a.com:port", "https://a.com:123456",
                          "1http://a.com", "https://a b.com", "https://[::1", "https://a.com?x"}) {
    EXPECT_FALSE(OriginAllowList::normalize(bad)) << bad;
  }
}

TEST(OriginAllowListTest, EmptyListAllowsEveryOrigin) {
  const OriginAllowList any({});
  EXPECT_TRUE(any.allows("https://evil.example"));
  EXPECT_TRUE(any.allows("null"));
  EXPECT_TRUE(any.allows(std::nullopt));
}

TEST(OriginAllowListTest, ListedOriginsAreAllowedCaseInsensitivelyAndOthersRefused) {
  const OriginAllowList list({"https://app.example.com", "http://localhost:8080"});
  EXPECT_TRUE(list.allows("https://app.example.com"));
  EXPECT_TRUE(list.allows("HTTPS://APP.example.com"));
  EXPECT_TRUE(list.allows("http://localhost:8080"));
  EXPECT_FALSE(list.allows("http://app.example.com"));       // another scheme
  EXPECT_FALSE(list.allows("https://app.example.com:443"));  // compared as serialized
  EXPECT_FALSE(list.allows("http://localhost:8081"));
  EXPECT_FALSE(list.allows("https://app.example.com.evil.example"));
  EXPECT_FALSE(list.allows("null"));
  EXPECT_FALSE(list.allows(""));
}

TEST(OriginAllowListTest, NoOriginHeaderIsAllowed) {
  const OriginAllowList list({"https://app.example.com"});
  EXPECT_TRUE(list.allows(std::nullopt));
}

TEST(OriginAllowListTest, ABadConfiguredOriginIsNamed) {
  try {
    const OriginAllowList list({"https://ok.example", "https://bad.example/"});
    FAIL() << "accepted a path";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("https://bad.example/"), std::string::npos);
  }
}

}  // namespace
}  // namespace chorus::signaling
