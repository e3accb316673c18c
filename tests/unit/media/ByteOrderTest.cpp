#include <array>

#include <gtest/gtest.h>

#include "media/wire/ByteOrder.h"

namespace chorus::media {
namespace {

TEST(ByteOrderTest, LoadsAreBigEndian) {
  constexpr std::array<std::uint8_t, 8> kBytes{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  EXPECT_EQ(loadBe16(kBytes, 1), 0x0203);
  EXPECT_EQ(loadBe24(kBytes, 0), 0x010203U);
  EXPECT_EQ(loadBe32(kBytes, 4), 0x05060708U);
  EXPECT_EQ(loadBe64(kBytes, 0), 0x0102030405060708ULL);
}

TEST(ByteOrderTest, StoresRoundTrip) {
  std::array<std::uint8_t, 8> bytes{};
  storeBe16(bytes, 0, 0xbeef);
  storeBe24(bytes, 2, 0xc0ffee);
  EXPECT_EQ(loadBe16(bytes, 0), 0xbeef);
  EXPECT_EQ(loadBe24(bytes, 2), 0xc0ffeeU);
  storeBe32(bytes, 4, 0xdeadbeef);
  EXPECT_EQ(bytes[4], 0xde);
  EXPECT_EQ(bytes[7], 0xef);
  storeBe64(bytes, 0, 0x1122334455667788ULL);
  EXPECT_EQ(loadBe64(bytes, 0), 0x1122334455667788ULL);
}

}  // namespace
}  // namespace chorus::media
