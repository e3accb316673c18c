#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "media/routing/TransportCcFeedback.h"
#include "media/wire/RtcpCompoundView.h"
#include "media/wire/RtcpTransportFeedback.h"

namespace chorus::media {
namespace {

using std::chrono::microseconds;
using TimePoint = TransportCcFeedback::TimePoint;

constexpr std::uint32_t kSender = 0x11111111;
constexpr std::uint32_t kMedia = 0x22222222;

TimePoint at(std::int64_t us) {
  return TimePoint(microseconds(us));
}

// What one feedback packet says, decoded with the wire parser: the base, the count, and each
// reported packet's arrival (absolute, in microseconds on the reference time's clock).
struct Decoded {
  std::uint16_t base = 0;
  std::uint8_t feedbackCount = 0;
  std::vector<std::pair<std::uint16_t, std::optional<std::int64_t>>> packets;
};

Decoded decode(std::span<const std::uint8_t> bytes) {
  Decoded decoded;
  const auto compound = RtcpCompoundView::parse(bytes);
  EXPECT_TRUE(compound);
  EXPECT_EQ(compound->packetCount(), 1U);
  const auto feedback = RtcpTransportFeedback::parse(*compound->begin());
  EXPECT_TRUE(feedback);
  EXPECT_EQ(feedback->senderSsrc(), kSender);
  EXPECT_EQ(feedback->mediaSsrc(), kMedia);
  decoded.base = feedback->baseSequenceNumber();
  decoded.feedbackCount = feedback->feedbackPacketCount();
  std::int64_t time =
      std::int64_t{feedback->referenceTime()} * RtcpTransportFeedback::kReferenceTimeTick.count();
  for (auto cursor = feedback->statuses(); auto status = cursor.next();) {
    if (status->status == RtcpTransportFeedback::Status::kNotReceived) {
      decoded.packets.emplace_back(status->sequenceNumber, std::nullopt);
    } else {
      time += status->receiveDelta.count();
      decoded.packets.emplace_back(status->sequenceNumber, time);
    }
  }
  EXPECT_EQ(decoded.packets.size(), feedback->packetStatusCount());
  return decoded;
}

std::vector<Decoded> writeAll(TransportCcFeedback& feedback) {
  std::vector<Decoded> all;
  std::array<std::uint8_t, 1500> buffer{};
  while (feedback.hasPending()) {
    const auto size = feedback.write(buffer);
    EXPECT_TRUE(size);
    if (!size) {
      break;
    }
    all.push_back(decode(std::span(buffer).first(*size)));
  }
  return all;
}

// The reported time of an arrival: rounded down to the 250 us grid.
std::int64_t onGrid(std::int64_t us) {
  return us / 250 * 250;
}

// Derived by hand from draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1: packets 65534,
// 0, 65535 (late) and 2 arrive at 64.001, 64.002, 64.003 and 64.010 s; 1 is lost.
//   reference time = floor(64.001 s / 64 ms) = 1000 = 0x0003E8
//   deltas (250 us ticks): 65534 +4, 65535 +8, 0 -4 (large), 2 +32 (from 0's arrival)
//   symbols 01 01 10 00 01 -> one two-bit status vector chunk 11 01 01 10 00 01 00 00 = 0xD610
//   22 bytes of header and chunk, 5 of deltas, 1 of padding: 28 bytes, length 6, P set
TEST(TransportCcFeedbackTest, SmallCaseMatchesHandDerivedBytes) {
  TransportCcFeedback feedback(kSender);
  feedback.onPacket(kMedia, 65534, at(64'001'000));
  feedback.onPacket(kMedia, 0, at(64'002'000));
  feedback.onPacket(kMedia, 65535, at(64'003'000));
  feedback.onPacket(kMedia, 2, at(64'010'000));
  std::array<std::uint8_t, 1500> buffer{};
  const auto size = feedback.write(buffer);
  ASSERT_TRUE(size);
  const std::vector<std::uint8_t> expected{
      0xAF, 0xCD, 0x00, 0x06,  // V=2 P=1 FMT=15, PT=205, length 6
      0x11, 0x11, 0x11, 0x11,  // sender SSRC
      0x22, 0x22, 0x22, 0x22,  // media SSRC
      0xFF, 0xFE, 0x00, 0x05,  // base 65534, 5 statuses
      0x00, 0x03, 0xE8, 0x00,  // reference time 1000, feedback 0
      0xD6, 0x10,              // two-bit status vector
      0x04, 0x08, 0xFF, 0xFC, 0x20,
      0x01,  // padding count
  };
  EXPECT_EQ(std::vector<std::uint8_t>(buffer.begin(), buffer.begin() + *size), expected);
  EXPECT_FALSE(feedback.hasPending());
  EXPECT_FALSE(feedback.write(buffer));
}

TEST(TransportCcFeedbackTest, ReportsEveryRecordedArrivalAcrossWrapWithLossAndReordering) {
  TransportCcFeedback feedback(kSender);
  std::map<std::uint16_t, std::int64_t> recorded;
  std::vector<Decoded> all;
  std::int64_t now = 100'000'000;
  std::uint16_t sequence = 65'000;
  for (int round = 0; round < 20; ++round) {
    // 60 packets per 50 ms interval; every 7th lost, each 5th swapped with the next.
    std::vector<std::uint16_t> order;
    for (int i = 0; i < 60; ++i) {
      order.push_back(sequence++);
    }
    for (std::size_t i = 4; i + 1 < order.size(); i += 5) {
      std::swap(order[i], order[i + 1]);
    }
    for (const std::uint16_t seq : order) {
      now += 833;
      if (seq % 7 == 0) {
        continue;
      }
      feedback.onPacket(kMedia, seq, at(now));
      recorded[seq] = now;
    }
    for (Decoded& decoded : writeAll(feedback)) {
      all.push_back(std::move(decoded));
    }
  }
  ASSERT_EQ(all.size(), 20U);
  std::uint16_t expectedSequence = 65'000;
  std::size_t reported = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].feedbackCount, i);
    EXPECT_EQ(all[i].base, expectedSequence);
    for (const auto& [seq, arrival] : all[i].packets) {
      EXPECT_EQ(seq, expectedSequence);
      ++expectedSequence;
      const auto found = recorded.find(seq);
      if (found == recorded.end()) {
        EXPECT_FALSE(arrival) << seq;
      } else {
        ASSERT_TRUE(arrival) << seq;
        EXPECT_EQ(*arrival, onGrid(found->second)) << seq;
        ++reported;
      }
    }
  }
  EXPECT_EQ(reported, recorded.size());
  // The wrap was crossed: 65000 + 1200 packets.
  EXPECT_EQ(expectedSequence, static_cast<std::uint16_t>(65'000 + 1200));
}

TEST(TransportCcFeedbackTest, SplitsAFeedbackTooLongForOnePacket) {
  TransportCcFeedback feedback(kSender);
  for (std::uint16_t seq = 0; seq < 1000; ++seq) {
    feedback.onPacket(kMedia, seq, at(10'000'000 + seq * 100));
  }
  const auto all = writeAll(feedback);
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all[0].base, 0);
  EXPECT_EQ(all[0].packets.size(), TransportCcFeedback::kMaxStatusesPerFeedback);
  EXPECT_EQ(all[1].base, 400);
  EXPECT_EQ(all[2].base, 800);
  EXPECT_EQ(all[2].packets.size(), 200U);
  EXPECT_EQ(all[2].feedbackCount, 2);
  EXPECT_EQ(*all[2].packets.back().second, onGrid(10'000'000 + 999 * 100));
}

TEST(TransportCcFeedbackTest, ADeltaTooLargeForTheWireStartsANewFeedback) {
  TransportCcFeedback feedback(kSender);
  feedback.onPacket(kMedia, 1, at(10'000'000));
  feedback.onPacket(kMedia, 2, at(20'000'000));  // 10 s later: beyond 32767 x 250 us
  const auto all = writeAll(feedback);
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].base, 1);
  EXPECT_EQ(all[0].packets.size(), 1U);
  EXPECT_EQ(all[1].base, 2);
  EXPECT_EQ(*all[1].packets[0].second, 20'000'000);
}

TEST(TransportCcFeedbackTest, ALargeGapIsNotReportedPacketByPacket) {
  TransportCcFeedback feedback(kSender);
  feedback.onPacket(kMedia, 10, at(10'000'000));
  ASSERT_EQ(writeAll(feedback).size(), 1U);
  feedback.onPacket(kMedia, 500, at(10'050'000));
  feedback.onPacket(kMedia, 502, at(10'051'000));
  const auto all = writeAll(feedback);
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(all[0].base, 500);
  ASSERT_EQ(all[0].packets.size(), 3U);
  EXPECT_FALSE(all[0].packets[1].second);
  // A short gap is reported as not received.
  feedback.onPacket(kMedia, 510, at(10'060'000));
  const auto next = writeAll(feedback);
  ASSERT_EQ(next.size(), 1U);
  EXPECT_EQ(next[0].base, 503);
  EXPECT_EQ(next[0].packets.size(), 8U);
}

TEST(TransportCcFeedbackTest, APacketAfterItsSequenceWasReportedIsRefused) {
  TransportCcFeedback feedback(kSender);
  feedback.onPacket(kMedia, 100, at(10'000'000));
  feedback.onPacket(kMedia, 102, at(10'001'000));
  ASSERT_EQ(writeAll(feedback).size(), 1U);
  feedback.onPacket(kMedia, 101, at(10'002'000));
  EXPECT_EQ(feedback.lateRefused(), 1U);
  EXPECT_FALSE(feedback.hasPending());
  // A duplicate of a pending one keeps the first arrival.
  feedback.onPacket(kMedia, 103, at(10'003'000));
  feedback.onPacket(kMedia, 103, at(10'009'000));
  const auto all = writeAll(feedback);
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(*all[0].packets[0].second, 10'003'000);
}

TEST(TransportCcFeedbackTest, AJumpBeyondTheHistoryDropsWhatItCannotHold) {
  TransportCcFeedback feedback(kSender);
  feedback.onPacket(kMedia, 0, at(10'000'000));
  feedback.onPacket(kMedia, 5000, at(10'001'000));
  const auto all = writeAll(feedback);
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(all[0].base, 5000);
  EXPECT_EQ(all[0].packets.size(), 1U);
}

TEST(TransportCcFeedbackTest, AReferenceTimeBeyondTwentyFourBitsWraps) {
  TransportCcFeedback feedback(kSender);
  // 2^24 x 64 ms + 3 x 64 ms + 1 ms: reference time 3, deltas unchanged.
  const std::int64_t start = ((std::int64_t{1} << 24) + 3) * 64'000 + 1'000;
  feedback.onPacket(kMedia, 7, at(start));
  feedback.onPacket(kMedia, 8, at(start + 20'000));
  const auto all = writeAll(feedback);
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(*all[0].packets[0].second, 3 * 64'000 + 1'000);
  EXPECT_EQ(*all[0].packets[1].second, 3 * 64'000 + 21'000);
}

TEST(TransportCcFeedbackTest, NothingToWriteBeforeTheFirstPacket) {
  TransportCcFeedback feedback(kSender);
  std::array<std::uint8_t, 100> buffer{};
  EXPECT_FALSE(feedback.hasPending());
  EXPECT_FALSE(feedback.write(buffer));
}

}  // namespace
}  // namespace chorus::media
