#include <gtest/gtest.h>

#include "signaling/http/Utf8Text.h"

namespace chorus::signaling {
namespace {

TEST(Utf8TextTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(printableCodePoints(""), 0U);
  EXPECT_EQ(printableCodePoints("standup"), 7U);
  EXPECT_EQ(printableCodePoints("caf\xC3\xA9"), 4U);                        // U+00E9
  EXPECT_EQ(printableCodePoints("\xE2\x82\xAC"), 1U);                       // U+20AC
  EXPECT_EQ(printableCodePoints("\xF0\x9F\x90\x88 \xF4\x8F\xBF\xBF"), 3U);  // U+1F408, U+10FFFF
}

TEST(Utf8TextTest, RefusesMalformedUtf8) {
  EXPECT_FALSE(printableCodePoints("\xC3"));              // truncated
  EXPECT_FALSE(printableCodePoints("\xC3("));             // bad continuation
  EXPECT_FALSE(printableCodePoints("\x80"));              // lone continuation
  EXPECT_FALSE(printableCodePoints("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(printableCodePoints("\xE0\x80\xAF"));      // overlong '/'
  EXPECT_FALSE(printableCodePoints("\xED\xA0\x80"));      // U+D800, a surrogate
  EXPECT_FALSE(printableCodePoints("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(printableCodePoints("\xF8\x88\x80\x80\x80"));
}

TEST(Utf8TextTest, RefusesControlCharacters) {
  EXPECT_FALSE(printableCodePoints(std::string_view("a\0b", 3)));
  EXPECT_FALSE(printableCodePoints("a\tb"));
  EXPECT_FALSE(printableCodePoints("a\x7F"));
  EXPECT_FALSE(printableCodePoints("a\xC2\x85"));   // U+0085, C1 next line
  EXPECT_EQ(printableCodePoints("a\xC2\xA0"), 2U);  // U+00A0, no-break space, is printable
}

}  // namespace
}  // namespace chorus::signaling
