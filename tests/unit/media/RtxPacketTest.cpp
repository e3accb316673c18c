#include <array>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "media/routing/RtxPacket.h"
#include "media/wire/RtpPacketView.h"

namespace chorus::media {
namespace {

// An RTP packet (RFC 3550 §5.1) written out byte by byte: V=2, X=1, M=1, PT=96, sequence
// 0x1234, timestamp 0xDEADBEEF, SSRC 0x11223344, a one-byte extension block (RFC 8285 §4.2)
// with id 1 = 0xAB, payload 01 02 03.
const std::vector<std::uint8_t> kOriginal{
    0x90, 0xE0, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 0x11, 0x22, 0x33, 0x44,  // header
    0xBE, 0xDE, 0x00, 0x01, 0x10, 0xAB, 0x00, 0x00,                          // extension
    0x01, 0x02, 0x03};                                                       // payload

// Its RFC 4588 §4 RTX form with PT=97, RTX sequence 0x0007 and SSRC 0x55667788: the same
// header, the OSN 0x1234, then the payload.
const std::vector<std::uint8_t> kRtx{0x90, 0xE1, 0x00, 0x07, 0xDE, 0xAD, 0xBE, 0xEF,
                                     0x55, 0x66, 0x77, 0x88,                          // header
                                     0xBE, 0xDE, 0x00, 0x01, 0x10, 0xAB, 0x00, 0x00,  // extension
                                     0x12, 0x34,                                      // OSN
                                     0x01, 0x02, 0x03};                               // payload

TEST(RtxPacketTest, WrapPrependsTheOriginalSequenceNumber) {
  std::vector<std::uint8_t> original = kOriginal;
  const auto view = RtpPacketView::parse(original);
  ASSERT_TRUE(view);
  std::array<std::uint8_t, 64> out{};
  const auto size = RtxPacket::wrap(*view, 0x1234, out);
  ASSERT_TRUE(size);
  auto rtx = RtpPacketView::parse(std::span(out).first(*size));
  ASSERT_TRUE(rtx);
  rtx->setPayloadType(97);
  rtx->setSequenceNumber(7);
  rtx->setSsrc(0x55667788);
  EXPECT_EQ(std::vector<std::uint8_t>(out.begin(), out.begin() + *size), kRtx);
}

TEST(RtxPacketTest, UnwrapRestoresTheOriginal) {
  std::vector<std::uint8_t> rtx = kRtx;
  auto view = RtpPacketView::parse(rtx);
  ASSERT_TRUE(view);
  const auto size = RtxPacket::unwrap(*view, 0x11223344, 96);
  ASSERT_TRUE(size);
  rtx.resize(*size);
  EXPECT_EQ(rtx, kOriginal);
}

TEST(RtxPacketTest, PaddingIsDroppedByWrapAndKeptByUnwrap) {
  // The original with two bytes of padding (P=1, count 2 last).
  std::vector<std::uint8_t> padded = kOriginal;
  padded[0] |= 0x20;
  padded.push_back(0x00);
  padded.push_back(0x02);
  const auto view = RtpPacketView::parse(padded);
  ASSERT_TRUE(view);
  std::array<std::uint8_t, 64> out{};
  const auto size = RtxPacket::wrap(*view, 0x1234, out);
  ASSERT_TRUE(size);
  EXPECT_EQ(*size, kRtx.size());
  EXPECT_EQ(out[0] & 0x20, 0) << "no padding bit without padding";

  // An RTX packet with padding of its own: unwrapping keeps it, still valid.
  std::vector<std::uint8_t> rtx = kRtx;
  rtx[0] |= 0x20;
  rtx.push_back(0x00);
  rtx.push_back(0x00);
  rtx.push_back(0x03);
  auto rtxView = RtpPacketView::parse(rtx);
  ASSERT_TRUE(rtxView);
  const auto unwrapped = RtxPacket::unwrap(*rtxView, 0x11223344, 96);
  ASSERT_TRUE(unwrapped);
  rtx.resize(*unwrapped);
  const auto original = RtpPacketView::parse(rtx);
  ASSERT_TRUE(original);
  EXPECT_EQ(original->sequenceNumber(), 0x1234);
  EXPECT_EQ(original->paddingSize(), 3U);
  EXPECT_EQ(std::vector<std::uint8_t>(original->payload().begin(), original->payload().end()),
            (std::vector<std::uint8_t>{0x01, 0x02, 0x03}));
}

TEST(RtxPacketTest, PaddingOnlyRtxHasNothingToRecover) {
  // RFC 4588 §8.1 probing: a header and padding, no OSN.
  std::vector<std::uint8_t> probe(kRtx.begin(), kRtx.begin() + 20);
  probe[0] |= 0x20;
  probe.insert(probe.end(), {0x00, 0x00, 0x00, 0x04});
  auto view = RtpPacketView::parse(probe);
  ASSERT_TRUE(view);
  EXPECT_FALSE(RtxPacket::unwrap(*view, 0x11223344, 96));
}

TEST(RtxPacketTest, WrapRefusesWhatDoesNotFit) {
  std::vector<std::uint8_t> original = kOriginal;
  const auto view = RtpPacketView::parse(original);
  std::vector<std::uint8_t> out(kRtx.size() - 1);
  EXPECT_FALSE(RtxPacket::wrap(*view, 1, out));
}

}  // namespace
}  // namespace chorus::media
