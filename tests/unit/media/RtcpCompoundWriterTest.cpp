#include <array>
#include <vector>

#include <gtest/gtest.h>

#include "media/wire/RtcpCompoundView.h"
#include "media/wire/RtcpCompoundWriter.h"
#include "media/wire/RtcpNack.h"
#include "media/wire/RtcpPli.h"
#include "media/wire/RtcpReceiverReport.h"
#include "media/wire/RtcpSdes.h"

namespace chorus::media {
namespace {

TEST(RtcpCompoundWriterTest, ConcatenatesBuiltPacketsIntoOneDatagram) {
  std::array<std::uint8_t, 1500> buffer{};
  RtcpCompoundWriter writer(buffer);
  constexpr std::array<std::uint16_t, 1> kLost{16};
  EXPECT_TRUE(writer.append(RtcpReceiverReport::build(writer.remaining(), 1, {})));
  EXPECT_TRUE(writer.append(RtcpSdes::buildCname(writer.remaining(), 1, "x")));
  EXPECT_TRUE(writer.append(RtcpNack::buildFromLost(writer.remaining(), 1, 2, kLost)));
  EXPECT_TRUE(writer.append(RtcpPli::build(writer.remaining(), 1, 2)));
  // The same bytes as RtcpCompoundViewTest's datagram.
  const std::vector<std::uint8_t> expected{
      0x80, 201,  0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x81, 202,  0x00, 0x02,
      0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 'x',  0x00, 0x81, 205,  0x00, 0x03,
      0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x10, 0x00, 0x00,
      0x81, 206,  0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
  };
  EXPECT_EQ(std::vector(writer.datagram().begin(), writer.datagram().end()), expected);
  const auto compound = RtcpCompoundView::parse(writer.datagram());
  ASSERT_TRUE(compound);
  EXPECT_EQ(compound->packetCount(), 4U);
}

TEST(RtcpCompoundWriterTest, KeepsWhatFitsWhenAPacketDoesNot) {
  std::array<std::uint8_t, 20> buffer{};
  RtcpCompoundWriter writer(buffer);
  EXPECT_TRUE(writer.append(RtcpPli::build(writer.remaining(), 1, 2)));
  EXPECT_FALSE(writer.append(RtcpPli::build(writer.remaining(), 1, 2)));
  EXPECT_EQ(writer.size(), 12U);
  EXPECT_EQ(writer.remaining().size(), 8U);
  EXPECT_FALSE(writer.append(std::size_t{9}));  // a size past the buffer is refused too
  EXPECT_TRUE(RtcpCompoundView::parse(writer.datagram()));
}

}  // namespace
}  // namespace chorus::media
