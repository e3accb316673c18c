#include <algorithm>
#include <array>
#include <vector>

#include <gtest/gtest.h>

#include "RtcpTestPackets.h"
#include "media/wire/RtcpCompoundView.h"

namespace chorus::media {
namespace {

using test::Bytes;

// RR (no blocks) + SDES CNAME + generic NACK + PLI, as a receiver sends them in one datagram.
const Bytes kCompound{
    0x80, 201,  0x00, 0x01, 0x00, 0x00, 0x00, 0x01,                          // RR, SSRC 1
    0x81, 202,  0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 'x',  0x00,  // SDES CNAME "x"
    0x81, 205,  0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,  // NACK
    0x00, 0x10, 0x00, 0x00,                                                  //   PID 16
    0x81, 206,  0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,  // PLI
};

TEST(RtcpCompoundViewTest, IteratesEveryPacketWithItsHeader) {
  const auto compound = RtcpCompoundView::parse(kCompound);
  ASSERT_TRUE(compound);
  EXPECT_EQ(compound->packetCount(), 4U);
  std::vector<RtcpHeader> headers(compound->begin(), compound->end());
  ASSERT_EQ(headers.size(), 4U);
  EXPECT_TRUE(headers[0].is(RtcpPacketType::kReceiverReport));
  EXPECT_EQ(headers[0].count, 0);
  EXPECT_EQ(headers[0].length, 1);
  EXPECT_EQ(headers[0].body.size(), 4U);
  EXPECT_TRUE(headers[1].is(RtcpPacketType::kSourceDescription));
  EXPECT_EQ(headers[1].count, 1);
  EXPECT_TRUE(headers[2].is(RtcpPacketType::kTransportFeedback));
  EXPECT_EQ(headers[2].count, 1);
  EXPECT_EQ(headers[2].packet.size(), 16U);
  EXPECT_TRUE(headers[3].is(RtcpPacketType::kPayloadFeedback));
  EXPECT_EQ(headers[3].packet.data(), kCompound.data() + 36);
  for (const RtcpHeader& header : headers) {
    EXPECT_FALSE(header.padding);
    EXPECT_EQ(header.packet.size(), 4U * (header.length + 1U));
  }
}

TEST(RtcpCompoundViewTest, RejectsEveryTruncationAndTrailingBytes) {
  // Cut between packets it is a shorter valid datagram; cut anywhere else it is refused.
  constexpr std::array<std::size_t, 3> kBoundaries{8, 20, 36};
  for (std::size_t size = 0; size < kCompound.size(); ++size) {
    const auto compound = RtcpCompoundView::parse(std::span(kCompound).first(size));
    const auto* const boundary = std::find(kBoundaries.begin(), kBoundaries.end(), size);
    if (boundary == kBoundaries.end()) {
      EXPECT_FALSE(compound) << size;
    } else {
      ASSERT_TRUE(compound) << size;
      EXPECT_EQ(compound->packetCount(),
                1U + static_cast<std::size_t>(boundary - kBoundaries.begin()));
    }
  }
  Bytes trailing = kCompound;
  trailing.insert(trailing.end(), {0x80, 201, 0x00});
  EXPECT_FALSE(RtcpCompoundView::parse(trailing));
}

TEST(RtcpCompoundViewTest, RejectsVersionsOtherThanTwoInAnyPacket) {
  for (const std::size_t at : {0, 8, 20, 36}) {
    Bytes packet = kCompound;
    packet[at] = static_cast<std::uint8_t>((packet[at] & 0x3fU) | 0x40U);
    EXPECT_FALSE(RtcpCompoundView::parse(packet)) << at;
  }
}

TEST(RtcpCompoundViewTest, AcceptsReducedSizeFeedbackAlone) {
  // RFC 5506: a lone PLI, with no SR or RR before it.
  const auto compound = RtcpCompoundView::parse(std::span(kCompound).subspan(36));
  ASSERT_TRUE(compound);
  EXPECT_EQ(compound->packetCount(), 1U);
  EXPECT_TRUE((*compound->begin()).is(RtcpPacketType::kPayloadFeedback));
}

TEST(RtcpCompoundViewTest, ValidatesPaddingAndExcludesItFromTheBody) {
  Bytes padded{0xa0, 201, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04};
  const auto compound = RtcpCompoundView::parse(padded);
  ASSERT_TRUE(compound);
  const RtcpHeader header = *compound->begin();
  EXPECT_TRUE(header.padding);
  EXPECT_EQ(header.body.size(), 4U);
  EXPECT_EQ(header.packet.size(), 12U);
  padded.back() = 0;  // a count of zero
  EXPECT_FALSE(RtcpCompoundView::parse(padded));
  padded.back() = 9;  // more than the 8 bytes after the header
  EXPECT_FALSE(RtcpCompoundView::parse(padded));
  padded.back() = 8;
  EXPECT_TRUE(RtcpCompoundView::parse(padded));
}

TEST(RtcpCompoundViewTest, RejectsAnEmptyDatagram) {
  EXPECT_FALSE(RtcpCompoundView::parse({}));
}

}  // namespace
}  // namespace chorus::media
