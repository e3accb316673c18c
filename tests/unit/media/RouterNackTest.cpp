// NACK and RTX through the Router (RFC 4585 §6.2.1, RFC 4588): subscribers' NACKs answered from
// the publisher's retransmission buffer, on the same shard and across shards, as RTX or as the
// original; publishers' RTX recovered; publishers' losses NACKed with limited retries; and every
// slot, buffered and lent at once, back in its pool exactly once.
#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "media/routing/NackGenerator.h"
#include "media/routing/RetransmissionBuffer.h"
#include "media/routing/Router.h"
#include "media/wire/ByteOrder.h"
#include "media/wire/RtcpCompoundView.h"
#include "media/wire/RtcpNack.h"
#include "media/wire/RtcpReceiverReport.h"
#include "media/wire/RtpPacketView.h"
#include "tests/unit/media/RouterTestSupport.h"

namespace chorus::media {
namespace {

using std::chrono::milliseconds;
using testing::buildRtp;
using testing::packetIn;
using testing::payloadFor;
using testing::RecordingRouterSink;
using ShardMesh = testing::ShardMesh<RecordingRouterSink>;
using TimePoint = Router::TimePoint;

const TimePoint kStart{std::chrono::seconds(700)};
constexpr StreamKey kStream = 9;
constexpr TransportKey kPublisher = 1;
constexpr TransportKey kAlice = 10;  // negotiated RTX
constexpr TransportKey kBob = 11;    // did not
constexpr std::uint32_t kPublisherSsrc = 0x1000;
constexpr std::uint32_t kPublisherRtxSsrc = 0x1001;
constexpr std::uint32_t kAliceSsrc = 0xA000;
constexpr std::uint32_t kAliceRtxSsrc = 0xA001;
constexpr std::uint32_t kBobSsrc = 0xB000;
constexpr std::uint8_t kAlicePayloadType = 98;
constexpr std::uint8_t kAliceRtxPayloadType = 99;
constexpr std::uint16_t kAliceFirst = 65533;  // Alice's numbers wrap
constexpr std::uint16_t kBobFirst = 200;
constexpr std::uint16_t kSourceFirst = 65533;  // so do the publisher's

PublishedStreamSpec stream() {
  return {.key = kStream,
          .publisher = kPublisher,
          .video = true,
          .clockRate = 90'000,
          .ssrc = kPublisherSsrc,
          .rtxSsrc = kPublisherRtxSsrc,
          .payloadType = 96};
}

SubscriptionSpec alice(std::size_t publisherShard = 0) {
  return {.stream = kStream,
          .publisherShard = publisherShard,
          .subscriber = kAlice,
          .video = true,
          .clockRate = 90'000,
          .ssrc = kAliceSsrc,
          .rtxSsrc = kAliceRtxSsrc,
          .payloadType = kAlicePayloadType,
          .rtxPayloadType = kAliceRtxPayloadType};
}

SubscriptionSpec bob(std::size_t publisherShard = 0) {
  return {.stream = kStream,
          .publisherShard = publisherShard,
          .subscriber = kBob,
          .video = true,
          .clockRate = 90'000,
          .ssrc = kBobSsrc,
          .payloadType = 100};
}

std::vector<std::uint8_t> original(std::uint16_t index) {
  const auto sequence = static_cast<std::uint16_t>(kSourceFirst + index);
  return buildRtp({.ssrc = kPublisherSsrc,
                   .sequenceNumber = sequence,
                   .timestamp = 3000U * index,
                   .payloadType = 96,
                   .payload = payloadFor(kStream, sequence)});
}

// The publisher's RTX packet for packet `index` (RFC 4588 §4): RTX SSRC, payload type 97, its own
// sequence number, the OSN, then the payload.
std::vector<std::uint8_t> publisherRtx(std::uint16_t index, std::uint16_t rtxSequence) {
  const auto sequence = static_cast<std::uint16_t>(kSourceFirst + index);
  std::vector<std::uint8_t> payload{static_cast<std::uint8_t>(sequence >> 8U),
                                    static_cast<std::uint8_t>(sequence & 0xFFU)};
  const auto media = payloadFor(kStream, sequence);
  payload.insert(payload.end(), media.begin(), media.end());
  return buildRtp({.ssrc = kPublisherRtxSsrc,
                   .sequenceNumber = rtxSequence,
                   .timestamp = 3000U * index,
                   .payloadType = 97,
                   .payload = payload});
}

std::vector<std::uint8_t> nackFor(std::uint32_t mediaSsrc, std::vector<std::uint16_t> lost) {
  std::array<std::uint8_t, 256> bytes{};
  const auto size = RtcpNack::buildFromLost(bytes, 0x5EED, mediaSsrc, lost);
  return {bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(*size)};
}

// The lost sequence numbers of the NACKs in `datagrams`, in order.
std::vector<std::uint16_t> nackedSequences(const RecordingRouterSink::Packets& datagrams,
                                           std::uint32_t mediaSsrc) {
  std::vector<std::uint16_t> lost;
  for (const auto& datagram : datagrams) {
    const auto compound = RtcpCompoundView::parse(datagram);
    if (!compound) {
      continue;
    }
    for (const RtcpHeader& header : *compound) {
      const auto nack = RtcpNack::parse(header);
      if (!nack || nack->mediaSsrc() != mediaSsrc) {
        continue;
      }
      for (std::size_t i = 0; i < nack->itemCount(); ++i) {
        const RtcpNackItem item = nack->item(i);
        lost.push_back(item.packetId);
        for (unsigned bit = 0; bit < 16; ++bit) {
          if (((item.lostBitmask >> bit) & 1U) != 0) {
            lost.push_back(static_cast<std::uint16_t>(item.packetId + bit + 1));
          }
        }
      }
    }
  }
  return lost;
}

struct Received {
  std::uint32_t ssrc;
  std::uint8_t payloadType;
  std::uint16_t sequenceNumber;
  std::uint32_t timestamp;
  std::vector<std::uint8_t> payload;
};
Received parsed(std::vector<std::uint8_t> bytes) {
  const auto view = RtpPacketView::parse(bytes);
  EXPECT_TRUE(view);
  return {view->ssrc(), view->payloadType(), view->sequenceNumber(), view->timestamp(),
          std::vector<std::uint8_t>(view->payload().begin(), view->payload().end())};
}

class RouterNackTest : public ::testing::Test {
 protected:
  // Two shards; the publisher on shard 0.
  RouterNackTest() { mesh_.shard(0).router.addPublishedStream(stream()); }

  ShardMesh mesh_{2, 128};
  Router& publisherRouter() { return mesh_.shard(0).router; }

  void publish(std::span<const std::uint8_t> bytes, TimePoint now = kStart) {
    PacketRef packet = packetIn(mesh_.shard(0).pool, bytes);
    publisherRouter().onRtp(kPublisher, packet, now);
  }
  void feedback(std::size_t shard, TransportKey from, std::span<const std::uint8_t> bytes,
                TimePoint now = kStart) {
    const PacketRef packet = packetIn(mesh_.shard(shard).pool, bytes);
    mesh_.shard(shard).router.onRtcp(from, packet, now);
  }
};

TEST_F(RouterNackTest, SubscriberWithRtxGetsTheLostPacketOnItsRtxStreamWithTheOsn) {
  mesh_.subscribe(alice(), 0, kAliceFirst, 5000, kStart);
  for (std::uint16_t i = 0; i < 6; ++i) {
    publish(original(i));
  }
  // Alice lost her packets 1 and 4 (outgoing 65534 and 1: across her wrap).
  feedback(0, kAlice, nackFor(kAliceSsrc, {65534, 1}));
  const auto& received = mesh_.shard(0).sink.rtp(kAlice);
  ASSERT_EQ(received.size(), 8U);
  for (std::size_t r = 0; r < 2; ++r) {
    const std::uint16_t index = r == 0 ? 1 : 4;
    const Received rtx = parsed(received[6 + r]);
    EXPECT_EQ(rtx.ssrc, kAliceRtxSsrc);
    EXPECT_EQ(rtx.payloadType, kAliceRtxPayloadType);
    EXPECT_EQ(rtx.sequenceNumber, static_cast<std::uint16_t>((kAliceFirst ^ 0x5A5A) + r))
        << "the RTX stream's own, consecutive numbers";
    EXPECT_EQ(rtx.timestamp, 5000U + 3000U * index);
    ASSERT_GE(rtx.payload.size(), 2U);
    EXPECT_EQ(loadBe16(rtx.payload, 0), static_cast<std::uint16_t>(kAliceFirst + index))
        << "RFC 4588 §4: the OSN is the number Alice's copy had";
    const auto media = payloadFor(kStream, static_cast<std::uint16_t>(kSourceFirst + index));
    EXPECT_EQ(std::vector<std::uint8_t>(rtx.payload.begin() + 2, rtx.payload.end()), media);
  }
  EXPECT_EQ(publisherRouter().counters().retransmitted.value(), 2U);
  EXPECT_EQ(publisherRouter().counters().nackMissed.value(), 0U);
  mesh_.releaseKept(kStart);
  mesh_.expectPoolsFull();
}

TEST_F(RouterNackTest, SubscriberWithoutRtxGetsTheOriginalAgain) {
  mesh_.subscribe(bob(), 0, kBobFirst, 0, kStart);
  for (std::uint16_t i = 0; i < 4; ++i) {
    publish(original(i));
  }
  feedback(0, kBob, nackFor(kBobSsrc, {kBobFirst + 2}));
  const auto& received = mesh_.shard(0).sink.rtp(kBob);
  ASSERT_EQ(received.size(), 5U);
  EXPECT_EQ(received[4], received[2]) << "byte for byte what Bob lost";
  mesh_.releaseKept(kStart);
  mesh_.expectPoolsFull();
}

TEST_F(RouterNackTest, NackOutsideTheBufferOrTheWindowIsCountedMissed) {
  mesh_.subscribe(bob(), 0, kBobFirst, 0, kStart);
  publish(original(0));
  publish(original(1));
  const TimePoint later = kStart + RetransmissionBuffer::kMaxAge + milliseconds(1);
  publisherRouter().tick(later);
  feedback(0, kBob, nackFor(kBobSsrc, {kBobFirst}), later);      // expired
  feedback(0, kBob, nackFor(kBobSsrc, {kBobFirst + 7}), later);  // never sent
  feedback(0, kBob, nackFor(0xDEAD, {kBobFirst}), later);        // not Bob's SSRC: ignored
  EXPECT_EQ(publisherRouter().counters().nackMissed.value(), 2U);
  EXPECT_EQ(publisherRouter().counters().retransmitted.value(), 0U);
  EXPECT_EQ(mesh_.shard(0).sink.rtp(kBob).size(), 2U);
  mesh_.expectPoolsFull();
}

// The slot of a packet that is both kept and lent to another shard, and lent again for a
// retransmission, goes back to the pool once, whichever holder lets go last.
TEST_F(RouterNackTest, SubscriberOnAnotherShardIsAnsweredThroughTheRings) {
  mesh_.subscribe(alice(0), 1, kAliceFirst, 5000, kStart);
  mesh_.subscribe(bob(0), 1, kBobFirst, 0, kStart);
  for (std::uint16_t i = 0; i < 6; ++i) {
    publish(original(i));
  }
  PacketPool& pool = mesh_.shard(0).pool;
  EXPECT_EQ(pool.available(), pool.capacity() - 6) << "kept and lent";
  mesh_.drainUntilQuiet(kStart);
  EXPECT_EQ(pool.available(), pool.capacity() - 6) << "returned by the peer, still kept";
  ASSERT_EQ(mesh_.shard(1).sink.rtp(kAlice).size(), 6U);

  feedback(1, kAlice, nackFor(kAliceSsrc, {static_cast<std::uint16_t>(kAliceFirst + 3)}));
  feedback(1, kBob, nackFor(kBobSsrc, {kBobFirst + 5}));
  EXPECT_GT(mesh_.shard(1).sink.wakes(0), 0U) << "the publisher's shard is woken for the request";
  // Expire the buffer while the retransmissions are lent: the peer's return frees them.
  publisherRouter().drain(kStart);
  publisherRouter().tick(kStart + RetransmissionBuffer::kMaxAge + milliseconds(1));
  EXPECT_EQ(pool.available(), pool.capacity() - 2) << "buffer let go; two slots still lent";
  mesh_.drainUntilQuiet(kStart);
  const auto& toAlice = mesh_.shard(1).sink.rtp(kAlice);
  ASSERT_EQ(toAlice.size(), 7U);
  const Received rtx = parsed(toAlice[6]);
  EXPECT_EQ(rtx.ssrc, kAliceRtxSsrc);
  EXPECT_EQ(loadBe16(rtx.payload, 0), static_cast<std::uint16_t>(kAliceFirst + 3));
  const auto& toBob = mesh_.shard(1).sink.rtp(kBob);
  ASSERT_EQ(toBob.size(), 7U);
  EXPECT_EQ(toBob[6], toBob[5]);
  EXPECT_EQ(mesh_.shard(1).router.counters().retransmitted.value(), 2U);
  mesh_.expectPoolsFull();
}

TEST_F(RouterNackTest, RemovingTheStreamWhileItsSlotsAreLentReturnsEachOnce) {
  mesh_.subscribe(bob(0), 1, kBobFirst, 0, kStart);
  for (std::uint16_t i = 0; i < 5; ++i) {
    publish(original(i));
  }
  publisherRouter().removePublishedStream(kStream);
  EXPECT_EQ(mesh_.shard(0).pool.available(), mesh_.shard(0).pool.capacity() - 5);
  mesh_.drainUntilQuiet(kStart);
  EXPECT_EQ(mesh_.shard(1).sink.rtp(kBob).size(), 5U);
  mesh_.expectPoolsFull();
}

TEST_F(RouterNackTest, PublisherRtxIsRoutedAsTheOriginalItCarries) {
  mesh_.subscribe(bob(0), 0, kBobFirst, 0, kStart);
  publish(original(0));
  publish(original(2));  // 1 lost on the way in
  publish(publisherRtx(1, 4000));
  const auto& received = mesh_.shard(0).sink.rtp(kBob);
  ASSERT_EQ(received.size(), 3U);
  const Received repaired = parsed(received[2]);
  EXPECT_EQ(repaired.ssrc, kBobSsrc);
  EXPECT_EQ(repaired.payloadType, 100);
  EXPECT_EQ(repaired.sequenceNumber, kBobFirst + 1) << "fills the gap";
  EXPECT_EQ(repaired.payload, payloadFor(kStream, static_cast<std::uint16_t>(kSourceFirst + 1)));
  EXPECT_EQ(publisherRouter().counters().rtxRecovered.value(), 1U);
  // A recovered packet is no longer NACKed, and a second copy of it is a duplicate.
  publisherRouter().tick(kStart);
  EXPECT_TRUE(nackedSequences(mesh_.shard(0).sink.rtcp(kPublisher), kPublisherSsrc).empty());
  publish(publisherRtx(1, 4001));
  EXPECT_EQ(received.size(), 3U);
  EXPECT_EQ(publisherRouter().counters().duplicate.value(), 1U);
  // Padding only (bandwidth probing): nothing to recover, counted.
  std::vector<std::uint8_t> probe = buildRtp({.ssrc = kPublisherRtxSsrc,
                                              .sequenceNumber = 4002,
                                              .payloadType = 97,
                                              .payload = {0, 0, 0, 4}});
  probe[0] |= 0x20;
  publish(probe);
  EXPECT_EQ(publisherRouter().counters().rtxDropped.value(), 1U);
  EXPECT_EQ(received.size(), 3U);
  mesh_.releaseKept(kStart);
  mesh_.expectPoolsFull();
}

TEST_F(RouterNackTest, ReceiverReportCountsOnlyTheMediaSsrcsOwnPackets) {
  mesh_.subscribe(bob(0), 0, kBobFirst, 0, kStart);
  publish(original(0));
  publish(original(2));            // 1 lost on the way in
  publish(publisherRtx(1, 4000));  // its repair
  publish(original(3));
  publish(publisherRtx(3, 4001));  // a copy sent as a bandwidth probe, as browsers do
  publisherRouter().tick(kStart + std::chrono::seconds(1));
  std::vector<RtcpReportBlock> blocks;
  for (const auto& datagram : mesh_.shard(0).sink.rtcp(kPublisher)) {
    const auto compound = RtcpCompoundView::parse(datagram);
    ASSERT_TRUE(compound);
    for (const RtcpHeader& header : *compound) {
      if (const auto rr = RtcpReceiverReport::parse(header)) {
        for (std::size_t i = 0; i < rr->reportBlockCount(); ++i) {
          blocks.push_back(rr->reportBlock(i));
        }
      }
    }
  }
  ASSERT_EQ(blocks.size(), 1U);
  EXPECT_EQ(blocks[0].ssrc, kPublisherSsrc);
  // RFC 3550 §6.4.1: 4 expected, 3 received on the media SSRC. Counting the RTX stream's two
  // packets made it -1, and a negative loss in the browser's remote-inbound-rtp.
  EXPECT_EQ(blocks[0].cumulativeLost, 1);
  EXPECT_EQ(blocks[0].fractionLost, 256 / 4);
  EXPECT_EQ(blocks[0].extendedHighestSequence, 65536U);  // kSourceFirst + 3, wrapped once
  mesh_.releaseKept(kStart);
  mesh_.expectPoolsFull();
}

TEST_F(RouterNackTest, PublishersLossesAreNackedAtMostThreeTimes) {
  mesh_.subscribe(bob(0), 0, kBobFirst, 0, kStart);
  publish(original(0));
  publish(original(1));
  publish(original(5));  // source 65535, 0, 1 lost: across the publisher's wrap
  TimePoint now = kStart;
  const std::vector<std::uint16_t> lost{65535, 0, 1};
  for (std::uint32_t round = 0; round < 5; ++round) {
    publisherRouter().tick(now);
    now += NackGenerator::kDefaultRetryInterval;
  }
  const auto& rtcp = mesh_.shard(0).sink.rtcp(kPublisher);
  // PLI for the subscription, then three NACKs.
  std::vector<std::uint16_t> expected;
  for (std::uint32_t i = 0; i < NackGenerator::kMaxRequests; ++i) {
    expected.insert(expected.end(), lost.begin(), lost.end());
  }
  EXPECT_EQ(nackedSequences(rtcp, kPublisherSsrc), expected);
  EXPECT_EQ(publisherRouter().counters().nacksSent.value(), NackGenerator::kMaxRequests);
  EXPECT_EQ(publisherRouter().counters().nackGivenUp.value(), lost.size());
  mesh_.releaseKept(now);
  mesh_.expectPoolsFull();
}

TEST_F(RouterNackTest, PublishersRtxAnswerSetsTheRetryIntervalFromTheRoundTrip) {
  mesh_.subscribe(bob(0), 0, kBobFirst, 0, kStart);
  publish(original(0));
  publish(original(2));
  publisherRouter().tick(kStart);  // NACKs 1
  const auto& rtcp = mesh_.shard(0).sink.rtcp(kPublisher);
  const auto sourceOf = [](std::uint16_t index) {
    return static_cast<std::uint16_t>(kSourceFirst + index);
  };
  ASSERT_EQ(nackedSequences(rtcp, kPublisherSsrc), std::vector<std::uint16_t>{sourceOf(1)});
  // The publisher answers after 60 ms: SRTT 60 ms, RTTVAR 30 ms, retries 180 ms apart
  // (NackGenerator, RFC 6298 §2).
  publish(publisherRtx(1, 4000), kStart + milliseconds(60));
  const TimePoint lossAt = kStart + milliseconds(100);
  publish(original(4), lossAt);  // 3 lost
  publisherRouter().tick(lossAt);
  publisherRouter().tick(lossAt + milliseconds(179));
  EXPECT_EQ(nackedSequences(rtcp, kPublisherSsrc),
            (std::vector<std::uint16_t>{sourceOf(1), sourceOf(3)}))
      << "no retry sooner than the measured interval";
  publisherRouter().tick(lossAt + milliseconds(180));
  EXPECT_EQ(nackedSequences(rtcp, kPublisherSsrc),
            (std::vector<std::uint16_t>{sourceOf(1), sourceOf(3), sourceOf(3)}));
  mesh_.releaseKept(lossAt + milliseconds(180));
  mesh_.expectPoolsFull();
}

TEST_F(RouterNackTest, BuffersKeepAtMostHalfThePool) {
  auto& pool = mesh_.shard(0).pool;
  const std::size_t budget = pool.capacity() / 2;
  for (std::uint16_t index = 0; index < budget + 6; ++index) {
    publish(original(index));
  }
  EXPECT_EQ(pool.available(), pool.capacity() - budget) << "the other half stays free";
  EXPECT_EQ(publisherRouter().counters().notKept.value(), 6U);
  // Once the kept packets expire, new ones are kept again.
  const TimePoint later = kStart + RetransmissionBuffer::kMaxAge + milliseconds(1);
  publisherRouter().tick(later);
  EXPECT_EQ(pool.available(), pool.capacity());
  publish(original(static_cast<std::uint16_t>(budget + 6)), later);
  EXPECT_EQ(pool.available(), pool.capacity() - 1);
  EXPECT_EQ(publisherRouter().counters().notKept.value(), 6U);
  mesh_.releaseKept(later);
  mesh_.expectPoolsFull();
}

TEST_F(RouterNackTest, AudioIsNeitherKeptNorNacked) {
  PublishedStreamSpec audio = stream();
  audio.video = false;
  publisherRouter().addPublishedStream(audio);
  SubscriptionSpec spec = bob(0);
  spec.video = false;
  mesh_.subscribe(spec, 0, kBobFirst, 0, kStart);
  publish(original(0));
  publish(original(3));
  EXPECT_EQ(mesh_.shard(0).pool.available(), mesh_.shard(0).pool.capacity());
  publisherRouter().tick(kStart);
  // Receiver reports and transport-cc feedback go to the publisher; NACKs do not.
  EXPECT_TRUE(nackedSequences(mesh_.shard(0).sink.rtcp(kPublisher), kPublisherSsrc).empty());
  EXPECT_EQ(publisherRouter().counters().nacksSent.value(), 0U);
  feedback(0, kBob, nackFor(kBobSsrc, {kBobFirst}));
  EXPECT_EQ(publisherRouter().counters().nackMissed.value(), 1U);
}

}  // namespace
}  // namespace chorus::media
