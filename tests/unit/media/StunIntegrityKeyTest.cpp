#include <array>
#include <cstdint>
#include <string_view>

#include <gtest/gtest.h>

#include "media/wire/StunIntegrityKey.h"

namespace chorus::media {
namespace {

std::span<const std::uint8_t> bytesOf(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// RFC 2202 §3: HMAC-SHA1 test cases 1, 2, 6 and 7 (short key, "Jefe", and keys longer than the
// 64-byte block, which RFC 2104 §2 hashes first).
TEST(StunIntegrityKeyTest, MatchesRfc2202TestCases) {
  const std::array<std::uint8_t, 20> key1{0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
                                          0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
                                          0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b};
  EXPECT_EQ(StunIntegrityKey(key1).hmac({bytesOf("Hi There")}),
            (StunIntegrityDigest{0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72, 0x64, 0xe2, 0x8b,
                                 0xc0, 0xb6, 0xfb, 0x37, 0x8c, 0x8e, 0xf1, 0x46, 0xbe, 0x00}));

  EXPECT_EQ(
      StunIntegrityKey(std::string_view("Jefe")).hmac({bytesOf("what do ya want for nothing?")}),
      (StunIntegrityDigest{0xef, 0xfc, 0xdf, 0x6a, 0xe5, 0xeb, 0x2f, 0xa2, 0xd2, 0x74,
                           0x16, 0xd5, 0xf1, 0x84, 0xdf, 0x9c, 0x25, 0x9a, 0x7c, 0x79}));

  std::array<std::uint8_t, 80> longKey{};
  longKey.fill(0xaa);
  EXPECT_EQ(StunIntegrityKey(longKey).hmac(
                {bytesOf("Test Using Larger Than Block-Size Key - Hash Key First")}),
            (StunIntegrityDigest{0xaa, 0x4a, 0xe5, 0xe1, 0x52, 0x72, 0xd0, 0x0e, 0x95, 0x70,
                                 0x56, 0x37, 0xce, 0x8a, 0x3b, 0x55, 0xed, 0x40, 0x21, 0x12}));
  EXPECT_EQ(StunIntegrityKey(longKey).hmac({bytesOf(
                "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data")}),
            (StunIntegrityDigest{0xe8, 0xe9, 0x9d, 0x0f, 0x45, 0x23, 0x7d, 0x78, 0x6d, 0x6b,
                                 0xba, 0xa7, 0x96, 0x5c, 0x78, 0x08, 0xbb, 0xff, 0x1a, 0x91}));
}

TEST(StunIntegrityKeyTest, PartsAreHashedAsTheirConcatenation) {
  const StunIntegrityKey key(std::string_view("Jefe"));
  EXPECT_EQ(key.hmac({bytesOf("what do ya "), bytesOf(""), bytesOf("want for nothing?")}),
            key.hmac({bytesOf("what do ya want for nothing?")}));
  EXPECT_NE(key.hmac({bytesOf("what do ya want for nothing!")}),
            key.hmac({bytesOf("what do ya want for nothing?")}));
}

}  // namespace
}  // namespace chorus::media
