#include <gtest/gtest.h>

#include "signaling/http/StaticFiles.h"
#include "tests/unit/signaling/TemporaryWebRoot.h"

namespace chorus::signaling {
namespace {

class StaticFilesTest : public ::testing::Test {
 protected:
  TemporaryWebRoot web_;
  StaticFiles files_{web_.demo()};
};

TEST_F(StaticFilesTest, RootServesIndexHtml) {
  const auto file = files_.find("/");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->body, "<h1>demo</h1>");
  EXPECT_EQ(file->contentType, "text/html; charset=utf-8");
}

TEST_F(StaticFilesTest, ScriptIsServedAsJavaScriptIgnoringQuery) {
  const auto file = files_.find("/app.js?v=3#top");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->body, "export const answer = 42;");
  EXPECT_EQ(file->contentType, "text/javascript; charset=utf-8");
}

TEST_F(StaticFilesTest, FolderServesItsIndexWithOrWithoutSlash) {
  ASSERT_TRUE(files_.find("/sub/"));
  ASSERT_TRUE(files_.find("/sub"));
  EXPECT_EQ(files_.find("/sub")->body, "<p>sub</p>");
}

TEST_F(StaticFilesTest, PercentEncodedNamesAreDecoded) {
  const auto file = files_.find("/with%20space.txt");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->body, "spaced");
}

TEST_F(StaticFilesTest, MissingFileIsNotFound) {
  EXPECT_FALSE(files_.find("/nope.js"));
}

TEST_F(StaticFilesTest, DotDotCannotLeaveTheRoot) {
  EXPECT_FALSE(files_.find("/../secret.txt"));
  EXPECT_FALSE(files_.find("/sub/../../secret.txt"));
  EXPECT_FALSE(files_.find("/%2e%2e/secret.txt"));
  EXPECT_FALSE(files_.find("/%2E%2E%2Fsecret.txt"));
  EXPECT_FALSE(files_.find("/..%5csecret.txt"));
}

TEST_F(StaticFilesTest, SymlinkOutOfTheRootIsNotFollowed) {
  EXPECT_FALSE(files_.find("/escape/secret.txt"));
}

TEST_F(StaticFilesTest, MalformedTargetsAreRejected) {
  EXPECT_FALSE(files_.find(""));
  EXPECT_FALSE(files_.find("app.js"));           // not origin-form
  EXPECT_FALSE(files_.find("http://x/app.js"));  // absolute-form is not served
  EXPECT_FALSE(files_.find("/app.js%"));         // truncated escape
  EXPECT_FALSE(files_.find("/app.js%4"));
  EXPECT_FALSE(files_.find("/app%zz.js"));       // not hex
  EXPECT_FALSE(files_.find("/app.js%00.html"));  // NUL
}

TEST(ContentTypeTest, UnknownExtensionIsOctetStream) {
  EXPECT_EQ(contentTypeFor("a.bin"), "application/octet-stream");
  EXPECT_EQ(contentTypeFor("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(contentTypeFor("a.svg"), "image/svg+xml");
}

TEST(ContentTypeTest, SdkFilesHaveTheirTypes) {
  // RFC 9239 §6: JavaScript is text/javascript (the .d.ts beside it is plain text to read).
  EXPECT_EQ(contentTypeFor("sdk/chorus.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(contentTypeFor("sdk/chorus.d.ts"), "text/plain; charset=utf-8");
}

}  // namespace
}  // namespace chorus::signaling
