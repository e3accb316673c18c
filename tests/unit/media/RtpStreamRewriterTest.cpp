#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "media/routing/RtpStreamRewriter.h"

namespace chorus::media {
namespace {

using std::chrono::milliseconds;
using TimePoint = std::chrono::steady_clock::time_point;

constexpr std::uint32_t kOutSsrc = 0x0badcafe;
constexpr std::uint32_t kPublisher = 0x11111111;
constexpr std::uint32_t kRestarted = 0x22222222;
constexpr std::uint32_t kVideoClock = 90'000;
constexpr std::uint32_t kAudioClock = 48'000;

const TimePoint kStart{std::chrono::seconds(1000)};

// The outgoing sequence number, or -1 when refused: keeps expectations on one line.
int sequenceOf(const std::optional<RtpRewrite>& rewrite) {
  return rewrite ? rewrite->sequenceNumber : -1;
}

TEST(RtpStreamRewriterTest, FirstPacketTakesTheConfiguredStart) {
  RtpStreamRewriter rewriter(kOutSsrc, 5000, 123456, kVideoClock);
  EXPECT_EQ(rewriter.outSsrc(), kOutSsrc);
  EXPECT_EQ(rewriter.lastSequenceNumber(), 4999);
  const auto first = rewriter.rewrite(kPublisher, 40000, 9000000, kStart);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->sequenceNumber, 5000);
  EXPECT_EQ(first->timestamp, 123456U);
  const auto second = rewriter.rewrite(kPublisher, 40001, 9003000, kStart + milliseconds(33));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->sequenceNumber, 5001);
  EXPECT_EQ(second->timestamp, 123456U + 3000U);
  EXPECT_EQ(rewriter.lastSequenceNumber(), 5001);
}

TEST(RtpStreamRewriterTest, SourceSequenceWrapsFrom65535To0) {
  RtpStreamRewriter rewriter(kOutSsrc, 100, 0, kVideoClock);
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 65534, 0, kStart)), 100);
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 65535, 0, kStart)), 101);
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 0, 0, kStart)), 102);
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 1, 0, kStart)), 103);
  // A packet from before the wrap, reordered after it, is still placed before it.
  RtpStreamRewriter late(kOutSsrc, 100, 0, kVideoClock);
  EXPECT_EQ(sequenceOf(late.rewrite(kPublisher, 65534, 0, kStart)), 100);
  EXPECT_EQ(sequenceOf(late.rewrite(kPublisher, 0, 0, kStart)), 102);
  EXPECT_EQ(sequenceOf(late.rewrite(kPublisher, 65535, 0, kStart)), 101);
  EXPECT_EQ(late.lastSequenceNumber(), 102);
}

TEST(RtpStreamRewriterTest, OutgoingSequenceWrapsFrom65535To0) {
  RtpStreamRewriter rewriter(kOutSsrc, 65535, 0, kVideoClock);
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 7, 0, kStart)), 65535);
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 8, 0, kStart)), 0);
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 9, 0, kStart)), 1);
  EXPECT_EQ(rewriter.lastSequenceNumber(), 1);
}

TEST(RtpStreamRewriterTest, ReorderedPacketsKeepTheirPlace) {
  RtpStreamRewriter rewriter(kOutSsrc, 1000, 0, kVideoClock);
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 10, 0, kStart)), 1000);
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 13, 0, kStart)), 1003);
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 12, 0, kStart)), 1002);
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 11, 0, kStart)), 1001);
  EXPECT_EQ(rewriter.lastSequenceNumber(), 1003);
}

TEST(RtpStreamRewriterTest, LossStaysAGapSoTheSubscriberCanNack) {
  RtpStreamRewriter rewriter(kOutSsrc, 1000, 50000, kVideoClock);
  ASSERT_TRUE(rewriter.rewrite(kPublisher, 10, 900, kStart));
  const auto afterLoss = rewriter.rewrite(kPublisher, 15, 900 + 5 * 3000, kStart);
  ASSERT_TRUE(afterLoss);
  EXPECT_EQ(afterLoss->sequenceNumber, 1005);
  EXPECT_EQ(afterLoss->timestamp, 50000U + 5 * 3000);
  // The retransmission answering the NACK fills the gap in its place.
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 12, 900 + 2 * 3000, kStart)), 1002);
}

TEST(RtpStreamRewriterTest, RestartAtNextPacketSkipsWhatWasNotForwardedWithoutAGap) {
  RtpStreamRewriter rewriter(kOutSsrc, 1000, 50000, kVideoClock);
  rewriter.restartAtNextPacket();  // before the first packet: nothing to restart
  ASSERT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 10, 900, kStart)), 1000);
  ASSERT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 11, 900, kStart)), 1001);
  // Source packets 12..19 are not forwarded (the subscriber waits for a keyframe).
  rewriter.restartAtNextPacket();
  const auto resumed = rewriter.rewrite(kPublisher, 20, 900 + 3000, kStart + milliseconds(100));
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->sequenceNumber, 1002) << "no gap to NACK";
  EXPECT_EQ(resumed->timestamp, 50000U + 9000U) << "100 ms later in 90 kHz ticks";
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 21, 900 + 3000, kStart)), 1003);
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 15, 900, kStart)), -1)
      << "a packet from before the restart";
}

TEST(RtpStreamRewriterTest, DuplicatesAreRefused) {
  RtpStreamRewriter rewriter(kOutSsrc, 1000, 0, kVideoClock);
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 10, 0, kStart)), 1000);
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 12, 0, kStart)), 1002);
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 12, 0, kStart)), -1);  // the highest again
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 10, 0, kStart)), -1);  // an older one again
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 11, 0, kStart)), 1001);
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 11, 0, kStart)), -1);
  EXPECT_EQ(rewriter.duplicatesRefused(), 3U);
  EXPECT_EQ(rewriter.tooOldRefused(), 0U);
}

TEST(RtpStreamRewriterTest, DuplicatesAreRecognisedAcrossTheWindowWordsAndAfterAJump) {
  RtpStreamRewriter rewriter(kOutSsrc, 0, 0, kVideoClock);
  for (std::uint16_t seq = 0; seq < 700; ++seq) {
    ASSERT_TRUE(rewriter.rewrite(kPublisher, seq, 0, kStart));
  }
  EXPECT_FALSE(rewriter.rewrite(kPublisher, 1, 0, kStart));  // 698 behind, inside the window
  EXPECT_FALSE(rewriter.rewrite(kPublisher, 400, 0, kStart));
  // A jump forward clears the bits it passes over, but not those still in the window.
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 1000, 0, kStart)), 1000);
  EXPECT_FALSE(rewriter.rewrite(kPublisher, 699, 0, kStart));
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 700, 0, kStart)), 700);
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 999, 0, kStart)), 999);
}

TEST(RtpStreamRewriterTest, PacketsOlderThanTheSourcesFirstAreRefused) {
  RtpStreamRewriter rewriter(kOutSsrc, 1000, 0, kVideoClock);
  ASSERT_TRUE(rewriter.rewrite(kPublisher, 500, 0, kStart));
  EXPECT_FALSE(rewriter.rewrite(kPublisher, 499, 0, kStart));
  EXPECT_EQ(rewriter.tooOldRefused(), 1U);
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 501, 0, kStart)), 1001);
}

TEST(RtpStreamRewriterTest, VeryOldPacketsAreRefused) {
  RtpStreamRewriter rewriter(kOutSsrc, 0, 0, kVideoClock);
  ASSERT_TRUE(rewriter.rewrite(kPublisher, 0, 0, kStart));
  for (std::uint16_t seq = 2; seq <= 2000; ++seq) {
    ASSERT_TRUE(rewriter.rewrite(kPublisher, seq, 0, kStart));
  }
  // Sequence 1 was lost, and is now further back than the window: it is not forwarded, since
  // it could not be told from a duplicate.
  EXPECT_FALSE(rewriter.rewrite(kPublisher, 1, 0, kStart));
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 2000 - RtpStreamRewriter::kWindow, 0, kStart)),
            -1);
  EXPECT_TRUE(rewriter.rewrite(kPublisher, 2001 - RtpStreamRewriter::kWindow, 0, kStart) ==
              std::nullopt);  // forwarded already, in the window: a duplicate
  EXPECT_EQ(rewriter.tooOldRefused(), 2U);
  EXPECT_EQ(rewriter.duplicatesRefused(), 1U);
  // Exactly 2^15 behind is ambiguous in RFC 3550 §A.1's sense; it is refused, not taken as ahead.
  RtpStreamRewriter half(kOutSsrc, 0, 0, kVideoClock);
  ASSERT_TRUE(half.rewrite(kPublisher, 40000, 0, kStart));
  EXPECT_FALSE(half.rewrite(kPublisher, 40000 - 32768, 0, kStart));
  EXPECT_EQ(half.lastSequenceNumber(), 0);
}

TEST(RtpStreamRewriterTest, SourceSwitchContinuesTheSequenceAndAdvancesTheTimestampByWallTime) {
  RtpStreamRewriter rewriter(kOutSsrc, 3000, 700000, kVideoClock);
  ASSERT_TRUE(rewriter.rewrite(kPublisher, 100, 10000, kStart));
  ASSERT_TRUE(rewriter.rewrite(kPublisher, 101, 13000, kStart + milliseconds(33)));
  ASSERT_TRUE(rewriter.rewrite(kPublisher, 103, 16000, kStart + milliseconds(66)));
  // A packet reordered before the switch does not change where the stream continues from.
  ASSERT_TRUE(rewriter.rewrite(kPublisher, 102, 16000, kStart + milliseconds(70)));

  // The publisher restarts with a new SSRC and unrelated numbers, 500 ms after packet 103.
  const auto switched = rewriter.rewrite(kRestarted, 9, 4294966296U, kStart + milliseconds(566));
  ASSERT_TRUE(switched);
  EXPECT_EQ(switched->sequenceNumber, 3004);
  EXPECT_EQ(switched->timestamp, 700000U + 6000U + 45000U);  // 0.5 s at 90 kHz
  // The new source maps by its own offset, wrapping its timestamp past 2^32.
  const auto next = rewriter.rewrite(kRestarted, 10, 2000U, kStart);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->sequenceNumber, 3005);
  EXPECT_EQ(next->timestamp, 751000U + 3000U);
  // The new source's packets from before its first are refused: their numbers went to the old.
  EXPECT_FALSE(rewriter.rewrite(kRestarted, 8, 4294963296U, kStart));
}

TEST(RtpStreamRewriterTest, SwitchAdvancesTheTimestampByAtLeastOneTick) {
  RtpStreamRewriter rewriter(kOutSsrc, 0, 4294967295U, kAudioClock);
  ASSERT_TRUE(rewriter.rewrite(kPublisher, 1, 960, kStart));
  // Same arrival time, and then an arrival that went backwards: the timestamp still moves on.
  const auto sameInstant = rewriter.rewrite(kRestarted, 50, 0, kStart);
  ASSERT_TRUE(sameInstant);
  EXPECT_EQ(sameInstant->sequenceNumber, 1);
  EXPECT_EQ(sameInstant->timestamp, 0U);  // 2^32 - 1 + 1 wraps
  const auto earlier = rewriter.rewrite(kPublisher, 2, 1920, kStart - milliseconds(5));
  ASSERT_TRUE(earlier);
  EXPECT_EQ(earlier->sequenceNumber, 2);
  EXPECT_EQ(earlier->timestamp, 1U);
}

TEST(RtpStreamRewriterTest, SwitchAfterALongPauseDoesNotOverflow) {
  RtpStreamRewriter rewriter(kOutSsrc, 0, 0, kVideoClock);
  ASSERT_TRUE(rewriter.rewrite(kPublisher, 1, 0, kStart));
  // 200 days at 90 kHz is 1.5552e12 ticks: the timestamp is that mod 2^32.
  const auto later = kStart + std::chrono::hours(24 * 200) + milliseconds(10);
  const auto switched = rewriter.rewrite(kRestarted, 1, 0, later);
  ASSERT_TRUE(switched);
  constexpr std::uint64_t kSeconds = std::uint64_t{200} * 24 * 3600;
  const std::uint64_t ticks = kSeconds * kVideoClock + 900;
  EXPECT_EQ(switched->timestamp, static_cast<std::uint32_t>(ticks));
}

TEST(RtpStreamRewriterTest, TimestampWrapsWithinASource) {
  RtpStreamRewriter rewriter(kOutSsrc, 0, 4294967000U, kVideoClock);
  ASSERT_TRUE(rewriter.rewrite(kPublisher, 1, 100, kStart));
  const auto wrapped = rewriter.rewrite(kPublisher, 2, 100 + 3000, kStart);
  ASSERT_TRUE(wrapped);
  EXPECT_EQ(wrapped->timestamp, 4294967000U + 3000U);  // mod 2^32: 2704
  EXPECT_EQ(wrapped->timestamp, 2704U);
  // And a source whose own timestamp wraps maps straight through.
  RtpStreamRewriter other(kOutSsrc, 0, 1000, kVideoClock);
  ASSERT_TRUE(other.rewrite(kPublisher, 1, 4294967000U, kStart));
  const auto through = other.rewrite(kPublisher, 2, 2704, kStart);
  ASSERT_TRUE(through);
  EXPECT_EQ(through->timestamp, 4000U);
}

// Property: over a seeded random stream with loss, duplication, reordering and wrap-around,
// every forwarded packet gets a distinct outgoing number, outgoing order matches incoming order
// within the source (out - in is one constant mod 2^16), every packet sent once within the
// window is forwarded exactly once, and the timestamp offset is constant too.
TEST(RtpStreamRewriterTest, RandomLossReorderAndDuplicationKeepOutputUniqueAndOrdered) {
  for (std::uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 random(seed);
    const auto start = static_cast<std::uint16_t>(random());
    RtpStreamRewriter rewriter(kOutSsrc, static_cast<std::uint16_t>(random()), random(),
                               kVideoClock);

    // The publisher's packets (extended sequence numbers), in the order the network delivers.
    std::vector<std::int64_t> delivered;
    for (std::int64_t i = 0; i < 5000; ++i) {
      if (random() % 100 < 5) {
        continue;  // lost
      }
      delivered.push_back(i);
      if (random() % 100 < 3) {
        delivered.push_back(i);  // duplicated
      }
    }
    // Reorder: swap packets a short distance apart, never across the first.
    for (std::size_t i = 2; i + 1 < delivered.size(); ++i) {
      if (random() % 100 < 10) {
        const std::size_t j = std::min(delivered.size() - 1, i + 1 + random() % 20);
        std::swap(delivered[i], delivered[j]);
      }
    }

    std::map<std::int64_t, std::uint16_t> forwarded;  // extended input -> output
    std::set<std::uint16_t> outputs;
    std::optional<std::uint16_t> sequenceOffset;
    std::optional<std::uint32_t> timestampOffset;
    for (const std::int64_t extended : delivered) {
      const auto sequence = static_cast<std::uint16_t>(start + extended);
      const auto timestamp = static_cast<std::uint32_t>(extended * 3000);
      const auto rewrite = rewriter.rewrite(kPublisher, sequence, timestamp, kStart);
      if (!rewrite) {
        ASSERT_TRUE(forwarded.contains(extended)) << "seed " << seed << " input " << extended;
        continue;
      }
      ASSERT_FALSE(forwarded.contains(extended)) << "seed " << seed << " forwarded twice";
      forwarded.emplace(extended, rewrite->sequenceNumber);
      // 5000 packets stay below 2^16, so outgoing numbers must all differ.
      ASSERT_TRUE(outputs.insert(rewrite->sequenceNumber).second) << "seed " << seed;
      const auto thisOffset = static_cast<std::uint16_t>(rewrite->sequenceNumber - sequence);
      ASSERT_EQ(sequenceOffset.value_or(thisOffset), thisOffset) << "seed " << seed;
      sequenceOffset = thisOffset;
      const std::uint32_t thisTimestampOffset = rewrite->timestamp - timestamp;
      ASSERT_EQ(timestampOffset.value_or(thisTimestampOffset), thisTimestampOffset);
      timestampOffset = thisTimestampOffset;
    }
    // Every distinct packet delivered was forwarded: reordering stays far inside the window.
    const std::set<std::int64_t> distinct(delivered.begin(), delivered.end());
    EXPECT_EQ(forwarded.size(), distinct.size()) << "seed " << seed;
  }
}

TEST(RtpStreamRewriterTest, SourceSequenceMapsBackAcrossBothWraps) {
  // The outgoing numbers wrap at one point, the publisher's at another.
  RtpStreamRewriter rewriter(kOutSsrc, 65534, 0, kVideoClock);
  for (std::uint16_t i = 0; i < 6; ++i) {
    ASSERT_TRUE(rewriter.rewrite(kPublisher, static_cast<std::uint16_t>(65532 + i), i, kStart));
  }
  // Outgoing 65534, 65535, 0, 1, 2, 3 carry source 65532, 65533, 65534, 65535, 0, 1.
  EXPECT_EQ(rewriter.sourceSequence(65534), 65532);
  EXPECT_EQ(rewriter.sourceSequence(65535), 65533);
  EXPECT_EQ(rewriter.sourceSequence(0), 65534);
  EXPECT_EQ(rewriter.sourceSequence(2), 0);
  EXPECT_EQ(rewriter.sourceSequence(3), 1);
  EXPECT_FALSE(rewriter.sourceSequence(4)) << "not sent yet";
  EXPECT_FALSE(rewriter.sourceSequence(65533)) << "before the first packet";
  const auto again = rewriter.retransmission(kPublisher, 65535, 3);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->sequenceNumber, 1);
  EXPECT_EQ(again->timestamp, 3U);
  EXPECT_FALSE(rewriter.retransmission(kRestarted, 65535, 3)) << "another source";
}

TEST(RtpStreamRewriterTest, SourceSequenceMapsAGapTheSubscriberNacks) {
  RtpStreamRewriter rewriter(kOutSsrc, 100, 0, kVideoClock);
  ASSERT_TRUE(rewriter.rewrite(kPublisher, 7000, 0, kStart));
  ASSERT_TRUE(rewriter.rewrite(kPublisher, 7003, 0, kStart));  // 7001, 7002 lost upstream
  EXPECT_EQ(rewriter.sourceSequence(101), 7001);
  EXPECT_EQ(rewriter.sourceSequence(102), 7002);
  // The retransmission is not marked: the original's late arrival is still forwarded.
  ASSERT_TRUE(rewriter.retransmission(kPublisher, 7001, 0));
  EXPECT_EQ(sequenceOf(rewriter.rewrite(kPublisher, 7001, 0, kStart)), 101);
}

TEST(RtpStreamRewriterTest, SourceSequenceRefusesTheWindowsPastAndEarlierSources) {
  RtpStreamRewriter rewriter(kOutSsrc, 0, 0, kVideoClock);
  for (std::uint16_t i = 0; i < 10; ++i) {
    ASSERT_TRUE(rewriter.rewrite(kPublisher, i, 0, kStart));
  }
  ASSERT_TRUE(rewriter.rewrite(kRestarted, 500, 0, kStart));  // outgoing 10
  EXPECT_EQ(rewriter.sourceSequence(10), 500);
  EXPECT_FALSE(rewriter.sourceSequence(9)) << "the previous source's packet";
  for (std::uint16_t i = 1; i <= RtpStreamRewriter::kWindow; ++i) {
    ASSERT_TRUE(rewriter.rewrite(kRestarted, static_cast<std::uint16_t>(500 + i), 0, kStart));
  }
  EXPECT_FALSE(rewriter.sourceSequence(10)) << "kWindow behind the highest";
  EXPECT_EQ(rewriter.sourceSequence(11), 501);
}

}  // namespace
}  // namespace chorus::media
