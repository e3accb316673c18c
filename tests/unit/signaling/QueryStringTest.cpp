#include <gtest/gtest.h>

#include "signaling/http/QueryString.h"

namespace chorus::signaling {
namespace {

TEST(QueryStringTest, DecodesPercentAndPlus) {
  const auto query = QueryString::parse("/p?a=x%2Fy&b=one+two&c=%e2%82%ac");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->value("a"), "x/y");
  EXPECT_EQ(query->value("b"), "one two");
  EXPECT_EQ(query->value("c"), "\xE2\x82\xAC");
  EXPECT_FALSE(query->value("d"));
}

TEST(QueryStringTest, FirstValueWinsAndEmptyPairsAreSkipped) {
  const auto query = QueryString::parse("/p?&a=1&&a=2&flag&e=");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->value("a"), "1");
  EXPECT_EQ(query->value("flag"), "");
  EXPECT_EQ(query->value("e"), "");
}

TEST(QueryStringTest, NoQueryHasNoParameters) {
  const auto query = QueryString::parse("/p");
  ASSERT_TRUE(query);
  EXPECT_FALSE(query->value("a"));
}

TEST(QueryStringTest, BadPercentEscapeIsRefused) {
  EXPECT_FALSE(QueryString::parse("/p?a=%"));
  EXPECT_FALSE(QueryString::parse("/p?a=%4"));
  EXPECT_FALSE(QueryString::parse("/p?a=%4g"));
  EXPECT_FALSE(QueryString::parse("/p?%zz=1"));
}

}  // namespace
}  // namespace chorus::signaling
