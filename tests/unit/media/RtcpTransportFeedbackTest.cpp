#include <chrono>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "RtcpTestPackets.h"
#include "media/wire/RtcpTransportFeedback.h"

namespace chorus::media {
namespace {

using std::chrono::microseconds;
using test::Bytes;
using Feedback = RtcpTransportFeedback;
using Status = Feedback::Status;

// Encoded by hand from draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1, with the chunks
// of its examples: §3.1.3 example 1 (0x00dd: a run of 221 "not received") and §3.1.4 example 1
// (0x9f1c: one-bit symbols 0 11111 000 111 00).
const Bytes kDraftChunksFeedback{
    0x8f, 205,  0x00, 0x07,  // V=2 P=0 FMT=15, PT=205, length 7
    0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
    0x00, 0x00, 0x00, 0x02,  // SSRC of media source
    0x00, 0x64, 0x00, 0xeb,  // base sequence number 100, packet status count 235
    0x00, 0x00, 0x10, 0x03,  // reference time 16 (x 64 ms), fb pkt. count 3
    0x00, 0xdd,              // run length chunk: 221 x "not received"
    0x9f, 0x1c,              // status vector chunk: 14 one-bit symbols
    0x04, 0x08, 0x00, 0xff,  // receive deltas of the 8 received packets, in 250 us ticks
    0x01, 0x02, 0x03, 0x50,  //
};

TEST(RtcpTransportFeedbackTest, ReadsTheDraftsRunLengthAndOneBitVectorChunks) {
  const auto feedback = Feedback::parse(*test::onlyPacket(kDraftChunksFeedback));
  ASSERT_TRUE(feedback);
  EXPECT_EQ(feedback->senderSsrc(), 1U);
  EXPECT_EQ(feedback->mediaSsrc(), 2U);
  EXPECT_EQ(feedback->baseSequenceNumber(), 100);
  EXPECT_EQ(feedback->packetStatusCount(), 235U);
  EXPECT_EQ(feedback->referenceTime(), 16);
  EXPECT_EQ(feedback->feedbackPacketCount(), 3);

  std::vector<Feedback::PacketStatus> statuses;
  for (auto cursor = feedback->statuses(); auto status = cursor.next();) {
    statuses.push_back(*status);
  }
  ASSERT_EQ(statuses.size(), 235U);
  for (std::size_t i = 0; i < 221; ++i) {
    EXPECT_EQ(statuses[i].sequenceNumber, 100 + i);
    EXPECT_EQ(statuses[i].status, Status::kNotReceived);
  }
  const std::vector<int> vector{0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0};
  const std::vector<int> deltaTicks{4, 8, 0, 255, 1, 2, 3, 0x50};
  std::size_t received = 0;
  for (std::size_t i = 0; i < vector.size(); ++i) {
    const auto& status = statuses[221 + i];
    EXPECT_EQ(status.sequenceNumber, 321 + i);
    if (vector[i] == 0) {
      EXPECT_EQ(status.status, Status::kNotReceived) << i;
      EXPECT_EQ(status.receiveDelta, microseconds(0));
    } else {
      EXPECT_EQ(status.status, Status::kReceivedSmallDelta) << i;
      EXPECT_EQ(status.receiveDelta, microseconds(250 * deltaTicks[received++]));
    }
  }
}

TEST(RtcpTransportFeedbackTest, RejectsTheDraftsExamplesThatUseTheReservedSymbol) {
  // §3.1.3 example 2 (0x6018) and §3.1.4 example 2 (0xcd50) use symbol 11, which the draft's
  // -01 symbol table reserves; libwebrtc refuses it too.
  Bytes packet = kDraftChunksFeedback;
  packet[20] = 0x60;
  packet[21] = 0x18;
  EXPECT_FALSE(Feedback::parse(*test::onlyPacket(packet)));
  packet = kDraftChunksFeedback;
  packet[22] = 0xcd;
  packet[23] = 0x50;
  EXPECT_FALSE(Feedback::parse(*test::onlyPacket(packet)));
}

// Seven packets from 65530 (the sequence numbers wrap), with a negative delta so the encoder
// needs a two-bit vector: 11 00 10 01 01 01 00 00 = 0xc950, the draft's §3.1.4 example 2 with
// its reserved symbol replaced by "large or negative delta". Reference time -1 (x 64 ms).
const Bytes kTwoBitFeedback{
    0xaf, 205,  0x00, 0x06,  // V=2 P=1 FMT=15, PT=205, length 6
    0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
    0x00, 0x00, 0x00, 0x02,  // SSRC of media source
    0xff, 0xfa, 0x00, 0x07,  // base sequence number 65530, packet status count 7
    0xff, 0xff, 0xff, 0x05,  // reference time -1, fb pkt. count 5
    0xc9, 0x50,              // two-bit status vector
    0xff, 0xfc,              // -4 ticks (large)
    0x0a, 0x00, 0xff,        // 10, 0, 255 ticks (small)
    0x01,                    // RFC 3550 padding: 1 byte
};

std::vector<Feedback::PacketArrival> twoBitArrivals() {
  return {
      {65530, std::nullopt},
      {65531, microseconds(-65000)},
      {65532, microseconds(-62500)},
      {65533, microseconds(-62500)},
      {65534, microseconds(1250)},
      {65535, std::nullopt},
      {0, std::nullopt},
  };
}

constexpr Feedback::FeedbackInfo kInfo{
    .senderSsrc = 1, .mediaSsrc = 2, .referenceTime = -1, .feedbackPacketCount = 5};

TEST(RtcpTransportFeedbackTest, BuildsATwoBitVectorWithNegativeDeltaAndPadding) {
  const auto arrivals = twoBitArrivals();
  const auto build = [&](std::span<std::uint8_t> out) {
    return Feedback::build(out, kInfo, arrivals);
  };
  EXPECT_EQ(test::built(build), kTwoBitFeedback);
  test::expectRefusesSmallBuffers(build, kTwoBitFeedback.size());

  const auto feedback = Feedback::parse(*test::onlyPacket(kTwoBitFeedback));
  ASSERT_TRUE(feedback);
  EXPECT_EQ(feedback->referenceTime(), -1);
  auto cursor = feedback->statuses();
  EXPECT_EQ(cursor.next()->status, Status::kNotReceived);
  const auto large = cursor.next();
  EXPECT_EQ(large->sequenceNumber, 65531);
  EXPECT_EQ(large->status, Status::kReceivedLargeDelta);
  EXPECT_EQ(large->receiveDelta, microseconds(-1000));
  EXPECT_EQ(cursor.next()->receiveDelta, microseconds(2500));
  EXPECT_EQ(cursor.next()->receiveDelta, microseconds(0));
  EXPECT_EQ(cursor.next()->receiveDelta, microseconds(63750));
  EXPECT_EQ(cursor.next()->sequenceNumber, 65535);
  EXPECT_EQ(cursor.next()->sequenceNumber, 0);
  EXPECT_FALSE(cursor.next());
}

Bytes buildOrDie(const Feedback::FeedbackInfo& info,
                 const std::vector<Feedback::PacketArrival>& arrivals) {
  const auto bytes = test::built(
      [&](std::span<std::uint8_t> out) { return Feedback::build(out, info, arrivals); }, 65536);
  EXPECT_TRUE(bytes);
  return bytes.value_or(Bytes{});
}

TEST(RtcpTransportFeedbackTest, EncodesTheDraftsChunkBitPatterns) {
  constexpr Feedback::FeedbackInfo kZero{};
  // 221 lost then one received: run length chunks 0x00dd (§3.1.3 example 1) and 0x2001.
  std::vector<Feedback::PacketArrival> arrivals;
  for (std::uint16_t seq = 0; seq < 221; ++seq) {
    arrivals.push_back({seq, std::nullopt});
  }
  arrivals.push_back({221, microseconds(500)});
  const Bytes runs = buildOrDie(kZero, arrivals);
  ASSERT_GE(runs.size(), 25U);
  EXPECT_EQ(runs[20], 0x00);
  EXPECT_EQ(runs[21], 0xdd);
  EXPECT_EQ(runs[22], 0x20);
  EXPECT_EQ(runs[23], 0x01);
  EXPECT_EQ(runs[24], 2);  // 500 us = 2 ticks

  // §3.1.4 example 1's pattern: one chunk 0x9f1c.
  arrivals.clear();
  const std::vector<int> pattern{0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0};
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const auto seq = static_cast<std::uint16_t>(i);
    arrivals.push_back(
        {seq, pattern[i] != 0 ? std::optional(microseconds(seq * 1000)) : std::nullopt});
  }
  const Bytes vector = buildOrDie(kZero, arrivals);
  ASSERT_GE(vector.size(), 22U);
  EXPECT_EQ(vector[20], 0x9f);
  EXPECT_EQ(vector[21], 0x1c);
  EXPECT_EQ(vector.size(), 24U + 8);  // 8 one-byte deltas and 2 bytes of padding
}

// Deterministic pseudo-random arrivals: losses, long runs of both kinds, small, large and
// negative deltas.
std::vector<Feedback::PacketArrival> mixedArrivals(std::size_t count, std::uint32_t seed) {
  std::vector<Feedback::PacketArrival> arrivals;
  std::uint32_t state = seed;
  const auto nextRandom = [&state] {
    state = state * 1664525U + 1013904223U;
    return state >> 8;
  };
  std::int64_t time = 1'000'000;
  auto seq = static_cast<std::uint16_t>(seed);
  while (arrivals.size() < count) {
    const std::uint32_t kind = nextRandom() % 10;
    const std::size_t run = kind < 2 ? 1 + nextRandom() % 40 : 1 + nextRandom() % 4;
    for (std::size_t i = 0; i < run && arrivals.size() < count; ++i) {
      if (kind == 0) {
        arrivals.push_back({seq++, std::nullopt});
        continue;
      }
      if (kind < 7) {
        time += nextRandom() % 64'000;  // 0..255 ticks
      } else if (kind == 7) {
        time -= nextRandom() % 100'000;  // reordered: negative
      } else {
        time += 64'000 + nextRandom() % 1'000'000;  // beyond a small delta
      }
      arrivals.push_back({seq++, microseconds(time)});
    }
  }
  return arrivals;
}

TEST(RtcpTransportFeedbackTest, RoundTripsArrivalsToTheTick) {
  for (const std::uint32_t seed : {1U, 2U, 3U, 65535U}) {
    for (const std::size_t count : {1U, 2U, 7U, 14U, 15U, 100U, 1000U, 9000U}) {
      const auto arrivals = mixedArrivals(count, seed);
      Feedback::FeedbackInfo info = kInfo;
      info.referenceTime = 15;  // 0.96 s, before the first arrival
      const Bytes bytes = buildOrDie(info, arrivals);
      const auto header = test::onlyPacket(bytes);
      ASSERT_TRUE(header);
      const auto feedback = Feedback::parse(*header);
      ASSERT_TRUE(feedback) << seed << " " << count;
      EXPECT_EQ(feedback->baseSequenceNumber(), arrivals[0].sequenceNumber);
      EXPECT_EQ(feedback->packetStatusCount(), count);
      std::int64_t ticks = std::int64_t{15} * 256;
      std::size_t index = 0;
      for (auto cursor = feedback->statuses(); auto status = cursor.next(); ++index) {
        ASSERT_LT(index, arrivals.size());
        EXPECT_EQ(status->sequenceNumber, arrivals[index].sequenceNumber);
        ASSERT_EQ(status->status != Status::kNotReceived, arrivals[index].arrivalTime.has_value());
        if (arrivals[index].arrivalTime) {
          ticks += status->receiveDelta / Feedback::kDeltaTick;
          EXPECT_EQ(ticks, arrivals[index].arrivalTime->count() / 250) << index;
        }
      }
      EXPECT_EQ(index, count);
    }
  }
}

TEST(RtcpTransportFeedbackTest, BuilderRefusesWhatItCannotEncode) {
  const auto refuses = [](const Feedback::FeedbackInfo& info,
                          const std::vector<Feedback::PacketArrival>& arrivals) {
    return !test::built(
        [&](std::span<std::uint8_t> out) { return Feedback::build(out, info, arrivals); });
  };
  EXPECT_TRUE(refuses(kInfo, {}));
  EXPECT_TRUE(refuses(kInfo, {{1, std::nullopt}, {3, std::nullopt}}));  // not consecutive
  // 8.192 s after the previous arrival is beyond a signed 16-bit count of 250 us ticks.
  EXPECT_TRUE(refuses(kInfo, {{1, microseconds(-64000)}, {2, microseconds(-64000 + 8'192'000)}}));
  EXPECT_FALSE(refuses(kInfo, {{1, microseconds(-64000)}, {2, microseconds(-64000 + 8'191'750)}}));
  Feedback::FeedbackInfo farReference = kInfo;
  farReference.referenceTime = 1 << 23;
  EXPECT_TRUE(refuses(farReference, {{1, std::nullopt}}));
}

TEST(RtcpTransportFeedbackTest, RejectsTruncationsEmptyFeedbackAndTrailingBytes) {
  test::expectTruncationsRejected(kDraftChunksFeedback, Feedback::parse);
  test::expectTruncationsRejected(kTwoBitFeedback, Feedback::parse);

  Bytes empty = kDraftChunksFeedback;  // packet status count 0
  empty[14] = 0;
  empty[15] = 0;
  EXPECT_FALSE(Feedback::parse(*test::onlyPacket(empty)));

  // Zero padding without the P bit, as the draft's figure shows, is fine up to 3 bytes.
  Bytes zeroPadded = kTwoBitFeedback;
  zeroPadded[0] = 0x8f;
  zeroPadded.back() = 0;
  EXPECT_TRUE(Feedback::parse(*test::onlyPacket(zeroPadded)));
  zeroPadded.insert(zeroPadded.end(), {0, 0, 0, 0});
  zeroPadded[3] = 7;
  EXPECT_FALSE(Feedback::parse(*test::onlyPacket(zeroPadded)));

  Bytes nack = kDraftChunksFeedback;
  nack[0] = 0x81;
  EXPECT_FALSE(Feedback::parse(*test::onlyPacket(nack)));
}

}  // namespace
}  // namespace chorus::media
