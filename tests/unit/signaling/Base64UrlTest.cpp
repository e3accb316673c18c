#include <array>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "signaling/auth/Base64Url.h"

namespace chorus::signaling {
namespace {

// RFC 4648 §10 test vectors, without the padding RFC 7515 §2 omits.
TEST(Base64UrlTest, Rfc4648Section10VectorsRoundTripWithoutPadding) {
  const std::array<std::pair<std::string, std::string>, 7> vectors{{{"", ""},
                                                                    {"f", "Zg"},
                                                                    {"fo", "Zm8"},
                                                                    {"foo", "Zm9v"},
                                                                    {"foob", "Zm9vYg"},
                                                                    {"fooba", "Zm9vYmE"},
                                                                    {"foobar", "Zm9vYmFy"}}};
  for (const auto& [bytes, text] : vectors) {
    EXPECT_EQ(encodeBase64Url(bytes), text);
    EXPECT_EQ(decodeBase64Url(text), bytes) << text;
  }
}

TEST(Base64UrlTest, UsesTheUrlSafeAlphabet) {
  // 0xFB 0xFF 0xBF is "+/+/" in standard base64.
  EXPECT_EQ(encodeBase64Url(std::string("\xFB\xFF\xBF")), "-_-_");
  EXPECT_EQ(decodeBase64Url("-_-_"), std::string("\xFB\xFF\xBF"));
}

TEST(Base64UrlTest, RejectsStandardAlphabetPaddingWhitespaceAndImpossibleLengths) {
  EXPECT_FALSE(decodeBase64Url("+/+/"));
  EXPECT_FALSE(decodeBase64Url("Zg=="));
  EXPECT_FALSE(decodeBase64Url("Zm8="));
  EXPECT_FALSE(decodeBase64Url("Zm9v "));
  EXPECT_FALSE(decodeBase64Url("Zm\n9v"));
  EXPECT_FALSE(decodeBase64Url("Zm9vY"));  // 1 mod 4: not a whole byte
  EXPECT_FALSE(decodeBase64Url(std::string("Zm\0v", 4)));
}

TEST(Base64UrlTest, RejectsNonCanonicalTrailingBits) {
  EXPECT_TRUE(decodeBase64Url("Zg"));
  EXPECT_FALSE(decodeBase64Url("Zh"));  // same byte 'f', but a pad bit set
  EXPECT_TRUE(decodeBase64Url("Zm8"));
  EXPECT_FALSE(decodeBase64Url("Zm9"));
}

}  // namespace
}  // namespace chorus::signaling
