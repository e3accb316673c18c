// SrtpSession / SrtpContext behaviour, and a cross-check against Debian's libsrtp2 (the
// reference implementation) in both directions, byte for byte.
#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "media/security/SrtpSession.h"
#include "tests/unit/media/LibSrtpReference.h"
#include "tests/unit/media/SrtpTestPackets.h"

namespace chorus::media {
namespace {

using testing::kAllSrtpProfiles;
using testing::LibSrtp;
using testing::libsrtpSession;
using testing::rtcpReceiverReport;
using testing::rtpPacket;
using testing::testMasterKey;
using testing::withRoom;

std::vector<std::uint8_t> firstBytes(const std::vector<std::uint8_t>& bytes, std::size_t count) {
  return {bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(count)};
}

// A sender and a receiver: what one protects, the other unprotects.
struct Pair {
  explicit Pair(SrtpProfile profile, std::size_t maxStreams = SrtpContext::kDefaultMaxStreams)
      : sender(profile, testMasterKey(1), maxStreams),
        receiver(profile, testMasterKey(1), maxStreams) {}

  // Protects an RTP packet, checking it grew by the overhead; returns the protected bytes.
  std::vector<std::uint8_t> send(const std::vector<std::uint8_t>& plain) {
    auto buffer = withRoom(plain);
    const SrtpResult result = sender.protectRtp(buffer, plain.size());
    EXPECT_TRUE(result.ok()) << toString(result.error);
    EXPECT_EQ(result.length, plain.size() + sender.rtpOverhead());
    return firstBytes(buffer, result.length);
  }
  std::vector<std::uint8_t> sendRtcp(const std::vector<std::uint8_t>& plain) {
    auto buffer = withRoom(plain);
    const SrtpResult result = sender.protectRtcp(buffer, plain.size());
    EXPECT_TRUE(result.ok()) << toString(result.error);
    return firstBytes(buffer, result.length);
  }
  SrtpResult receive(std::vector<std::uint8_t> sealed, std::vector<std::uint8_t>* plain = nullptr) {
    const SrtpResult result = receiver.unprotectRtp(sealed, sealed.size());
    if (plain != nullptr && result.ok()) {
      *plain = firstBytes(sealed, result.length);
    }
    return result;
  }
  SrtpResult receiveRtcp(std::vector<std::uint8_t> sealed,
                         std::vector<std::uint8_t>* plain = nullptr) {
    const SrtpResult result = receiver.unprotectRtcp(sealed, sealed.size());
    if (plain != nullptr && result.ok()) {
      *plain = firstBytes(sealed, result.length);
    }
    return result;
  }

  SrtpContext sender;
  SrtpContext receiver;
};

class SrtpSessionTest : public ::testing::TestWithParam<SrtpProfile> {};

TEST_P(SrtpSessionTest, RtpRoundTripsWithCsrcsAndExtensions) {
  Pair pair(GetParam());
  for (std::uint16_t seq = 100; seq < 110; ++seq) {
    const auto plain = rtpPacket(0xabcdef01, seq, 17U * seq % 1200, seq % 3, seq % 2 == 0);
    const auto sealed = pair.send(plain);
    EXPECT_NE(sealed, withRoom(plain));
    std::vector<std::uint8_t> opened;
    ASSERT_TRUE(pair.receive(sealed, &opened).ok());
    EXPECT_EQ(opened, plain);
  }
}

TEST_P(SrtpSessionTest, EmptyPayloadRoundTrips) {
  Pair pair(GetParam());
  const auto plain = rtpPacket(7, 1, 0);
  std::vector<std::uint8_t> opened;
  ASSERT_TRUE(pair.receive(pair.send(plain), &opened).ok());
  EXPECT_EQ(opened, plain);
}

TEST_P(SrtpSessionTest, RtcpRoundTrips) {
  Pair pair(GetParam());
  for (int i = 0; i < 5; ++i) {
    const auto plain = rtcpReceiverReport(0x11111111, 0x22222222 + i);
    const auto sealed = pair.sendRtcp(plain);
    EXPECT_EQ(sealed.size(), plain.size() + pair.sender.rtcpOverhead());
    std::vector<std::uint8_t> opened;
    ASSERT_TRUE(pair.receiveRtcp(sealed, &opened).ok());
    EXPECT_EQ(opened, plain);
  }
}

TEST_P(SrtpSessionTest, SessionProtectsWithLocalKeyAndUnprotectsWithRemoteKey) {
  const SrtpKeyMaterial alice{GetParam(), testMasterKey(1), testMasterKey(2)};
  const SrtpKeyMaterial bob{GetParam(), testMasterKey(2), testMasterKey(1)};
  SrtpSession aliceSession(alice);
  SrtpSession bobSession(bob);
  const auto plain = rtpPacket(42, 9, 160);
  auto buffer = withRoom(plain);
  const SrtpResult sealed = aliceSession.protectRtp(buffer, plain.size());
  ASSERT_TRUE(sealed.ok());
  auto copy = buffer;
  EXPECT_EQ(aliceSession.unprotectRtp(copy, sealed.length).error, SrtpError::kAuthenticationFailed);
  const SrtpResult opened = bobSession.unprotectRtp(buffer, sealed.length);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(firstBytes(buffer, opened.length), plain);
  EXPECT_EQ(aliceSession.inbound().drops(SrtpError::kAuthenticationFailed), 1U);
}

TEST_P(SrtpSessionTest, ReplayIsRejectedForRtpAndRtcp) {
  Pair pair(GetParam());
  const auto sealed = pair.send(rtpPacket(5, 1000, 100));
  ASSERT_TRUE(pair.receive(sealed).ok());
  EXPECT_EQ(pair.receive(sealed).error, SrtpError::kReplayed);
  const auto sealedRtcp = pair.sendRtcp(rtcpReceiverReport(5, 6));
  ASSERT_TRUE(pair.receiveRtcp(sealedRtcp).ok());
  EXPECT_EQ(pair.receiveRtcp(sealedRtcp).error, SrtpError::kReplayed);
  EXPECT_EQ(pair.receiver.drops(SrtpError::kReplayed), 2U);
}

TEST_P(SrtpSessionTest, TamperedTagOrPayloadIsRejectedAndDoesNotAdvanceTheWindow) {
  Pair pair(GetParam());
  const auto sealed = pair.send(rtpPacket(5, 1000, 100));
  for (const std::size_t at : {std::size_t{30}, sealed.size() - 1}) {
    auto forged = sealed;
    forged[at] ^= 0x04;
    EXPECT_EQ(pair.receive(forged).error, SrtpError::kAuthenticationFailed);
  }
  EXPECT_TRUE(pair.receive(sealed).ok());
  auto forgedRtcp = pair.sendRtcp(rtcpReceiverReport(5, 6));
  const auto goodRtcp = forgedRtcp;
  forgedRtcp[12] ^= 0x01;
  EXPECT_EQ(pair.receiveRtcp(forgedRtcp).error, SrtpError::kAuthenticationFailed);
  EXPECT_TRUE(pair.receiveRtcp(goodRtcp).ok());
}

TEST_P(SrtpSessionTest, OutOfOrderWithinTheWindowIsAcceptedOnceAndTooOldIsRejected) {
  Pair pair(GetParam());
  std::vector<std::vector<std::uint8_t>> sealed;
  for (std::uint16_t seq = 0; seq < 300; ++seq) {
    sealed.push_back(pair.send(rtpPacket(9, seq, 50)));
  }
  ASSERT_TRUE(pair.receive(sealed[200]).ok());
  ASSERT_TRUE(pair.receive(sealed[299]).ok());
  EXPECT_TRUE(pair.receive(sealed[250]).ok());
  EXPECT_TRUE(pair.receive(sealed[172]).ok());  // 127 behind 299: the oldest in the window
  EXPECT_EQ(pair.receive(sealed[250]).error, SrtpError::kReplayed);
  EXPECT_EQ(pair.receive(sealed[171]).error, SrtpError::kTooOld);
  EXPECT_EQ(pair.receive(sealed[200]).error, SrtpError::kReplayed);
}

TEST_P(SrtpSessionTest, RolloverCounterAdvancesAcrossSequenceWrapBothWays) {
  Pair pair(GetParam());
  std::vector<std::vector<std::uint8_t>> sealed;
  std::uint16_t seq = 65530;
  for (int i = 0; i < 12; ++i, ++seq) {
    sealed.push_back(pair.send(rtpPacket(77, seq, 64)));
  }
  // Receive in order, then one from before the wrap after the wrap (ROC - 1 guessed right).
  for (int i = 0; i < 12; ++i) {
    if (i == 4) {
      continue;
    }
    std::vector<std::uint8_t> opened;
    ASSERT_TRUE(pair.receive(sealed[i], &opened).ok()) << i;
    EXPECT_EQ(opened, rtpPacket(77, static_cast<std::uint16_t>(65530 + i), 64));
  }
  EXPECT_TRUE(pair.receive(sealed[4]).ok());
  // After the wrap, 65530 is estimated with ROC 0 again (nearest the highest index), so the
  // copy received before is recognised as a replay rather than taken for ROC 1's 65530.
  EXPECT_EQ(pair.receive(sealed[0]).error, SrtpError::kReplayed);
}

TEST_P(SrtpSessionTest, RetransmissionProtectsTwiceToTheSameBytes) {
  Pair pair(GetParam());
  const auto first = pair.send(rtpPacket(3, 500, 300));
  const auto later = pair.send(rtpPacket(3, 501, 300));
  const auto again = pair.send(rtpPacket(3, 500, 300));
  EXPECT_EQ(again, first);
  EXPECT_NE(later, first);
  EXPECT_TRUE(pair.receive(first).ok());
  EXPECT_EQ(pair.receive(again).error, SrtpError::kReplayed);
}

TEST_P(SrtpSessionTest, TooShortAndTooSmallBuffersAreRefused) {
  Pair pair(GetParam());
  auto tiny = std::vector<std::uint8_t>(11 + testing::kSrtpRoom, 0x80);
  EXPECT_EQ(pair.sender.protectRtp(tiny, 11).error, SrtpError::kTooShort);
  EXPECT_EQ(pair.sender.protectRtp(tiny, tiny.size() + 1).error, SrtpError::kBufferTooSmall);
  auto noRoom = rtpPacket(1, 1, 20);
  EXPECT_EQ(pair.sender.protectRtp(noRoom, noRoom.size()).error, SrtpError::kBufferTooSmall);
  // A header claiming 15 CSRCs that are not there.
  auto lying = withRoom(rtpPacket(1, 1, 20));
  lying[0] = 0x8f;
  EXPECT_EQ(pair.sender.protectRtp(lying, 32).error, SrtpError::kTooShort);
  // A protected packet cut inside its tag.
  const auto sealed = pair.send(rtpPacket(1, 2, 0));
  auto cut = firstBytes(sealed, sealed.size() - 1);
  EXPECT_EQ(pair.receive(cut).error, SrtpError::kTooShort);
  auto shortRtcp = std::vector<std::uint8_t>(8 + pair.receiver.rtcpOverhead() - 1, 0x80);
  EXPECT_EQ(pair.receiver.unprotectRtcp(shortRtcp, shortRtcp.size()).error, SrtpError::kTooShort);
}

TEST_P(SrtpSessionTest, UnencryptedSrtcpIsRefused) {
  Pair pair(GetParam());
  auto sealed = pair.sendRtcp(rtcpReceiverReport(5, 6));
  const std::size_t trailer =
      GetParam() == SrtpProfile::kAes128CmSha1Tag80 ? sealed.size() - 14 : sealed.size() - 4;
  sealed[trailer] &= 0x7f;
  EXPECT_EQ(pair.receiveRtcp(sealed).error, SrtpError::kUnencryptedRtcp);
}

TEST_P(SrtpSessionTest, SsrcTableIsFixedAndOnlyAuthenticatedSsrcsEnterIt) {
  Pair pair(GetParam(), 2);
  const auto a = pair.send(rtpPacket(1, 1, 10));
  const auto b = pair.send(rtpPacket(2, 1, 10));
  auto c = withRoom(rtpPacket(3, 1, 10));
  EXPECT_EQ(pair.sender.protectRtp(c, c.size() - testing::kSrtpRoom).error,
            SrtpError::kSsrcTableFull);
  // Forged packets from unknown SSRCs are refused without taking a slot.
  auto forged = a;
  forged[11] ^= 0x55;  // another SSRC, the tag no longer matches
  EXPECT_EQ(pair.receive(forged).error, SrtpError::kAuthenticationFailed);
  EXPECT_EQ(pair.receiver.streamCount(), 0U);
  EXPECT_TRUE(pair.receive(a).ok());
  EXPECT_TRUE(pair.receive(b).ok());
  EXPECT_EQ(pair.receive(forged).error, SrtpError::kSsrcTableFull);
  EXPECT_EQ(pair.receiver.drops(SrtpError::kSsrcTableFull), 1U);
  EXPECT_EQ(pair.sender.drops(SrtpError::kSsrcTableFull), 1U);
}

INSTANTIATE_TEST_SUITE_P(AllProfiles, SrtpSessionTest, ::testing::ValuesIn(kAllSrtpProfiles),
                         [](const auto& info) {
                           switch (info.param) {
                             case SrtpProfile::kAes128CmSha1Tag80:
                               return std::string("AesCm128HmacSha1_80");
                             case SrtpProfile::kAeadAes128Gcm:
                               return std::string("AeadAes128Gcm");
                             case SrtpProfile::kAeadAes256Gcm:
                               return std::string("AeadAes256Gcm");
                           }
                           return std::string("Unknown");
                         });

// --- Cross-check with libsrtp2 ---------------------------------------------------------------

enum class Kind { kRtp, kRtcp };

std::vector<std::uint8_t> libsrtpApply(srtp_t session, Kind kind, bool protect,
                                       const std::vector<std::uint8_t>& packet,
                                       srtp_err_status_t* status) {
  auto buffer = withRoom(packet);
  int length = static_cast<int>(packet.size());
  if (kind == Kind::kRtp) {
    *status = protect ? srtp_protect(session, buffer.data(), &length)
                      : srtp_unprotect(session, buffer.data(), &length);
  } else {
    *status = protect ? srtp_protect_rtcp(session, buffer.data(), &length)
                      : srtp_unprotect_rtcp(session, buffer.data(), &length);
  }
  return firstBytes(buffer, static_cast<std::size_t>(length));
}

std::vector<std::uint8_t> oursApply(SrtpContext& context, Kind kind, bool protect,
                                    const std::vector<std::uint8_t>& packet, SrtpError* error) {
  auto buffer = withRoom(packet);
  SrtpResult result;
  if (kind == Kind::kRtp) {
    result = protect ? context.protectRtp(buffer, packet.size())
                     : context.unprotectRtp(buffer, packet.size());
  } else {
    result = protect ? context.protectRtcp(buffer, packet.size())
                     : context.unprotectRtcp(buffer, packet.size());
  }
  *error = result.error;
  return firstBytes(buffer, result.length);
}

// Several SSRCs, a sequence wrap, CSRCs and extensions, a retransmission, and RTCP: every
// packet protected by both must come out identical, and each must open the other's.
struct TrafficPacket {
  Kind kind;
  std::vector<std::uint8_t> plain;
};

std::vector<TrafficPacket> crossCheckTraffic() {
  std::vector<TrafficPacket> traffic;
  const std::array<std::uint32_t, 3> ssrcs{0x0badcafe, 0x12345678, 0xfffffff0};
  for (std::uint32_t step = 0; step < 40; ++step) {
    for (std::size_t s = 0; s < ssrcs.size(); ++s) {
      const auto seq = static_cast<std::uint16_t>(65520 + 7 * s + step);  // wraps mid-way
      traffic.push_back(
          {Kind::kRtp, rtpPacket(ssrcs[s], seq, (std::size_t{step} * 37 + s * 11) % 1100, step % 4,
                                 step % 3 == 1)});
      if (step % 8 == 0) {
        traffic.push_back({Kind::kRtcp, rtcpReceiverReport(ssrcs[s], ssrcs[(s + 1) % 3])});
      }
    }
  }
  // A retransmission of an earlier sequence number of the first SSRC.
  traffic.push_back({Kind::kRtp, rtpPacket(ssrcs[0], 65530, (10 * 37) % 1100, 10 % 4, false)});
  return traffic;
}

class SrtpLibsrtpCrossCheckTest : public ::testing::TestWithParam<SrtpProfile> {};

TEST_P(SrtpLibsrtpCrossCheckTest, ProtectedBytesAreIdenticalAndEachOpensTheOthers) {
  const SrtpProfile profile = GetParam();
  const SrtpMasterKey master = testMasterKey(7);
  SrtpContext oursOut(profile, master);
  SrtpContext oursIn(profile, master);
  const LibSrtp theirsOut = libsrtpSession(profile, master, ssrc_any_outbound);
  const LibSrtp theirsIn = libsrtpSession(profile, master, ssrc_any_inbound);
  std::size_t compared = 0;
  for (const auto& [kind, plain] : crossCheckTraffic()) {
    SrtpError error = SrtpError::kNone;
    srtp_err_status_t status = srtp_err_status_ok;
    const auto ours = oursApply(oursOut, kind, true, plain, &error);
    const auto theirs = libsrtpApply(theirsOut.get(), kind, true, plain, &status);
    ASSERT_EQ(error, SrtpError::kNone);
    ASSERT_EQ(status, srtp_err_status_ok);
    ASSERT_EQ(ours, theirs) << "packet " << compared;

    // libsrtp's output opens with ours, ours with libsrtp's (retransmission excepted: both
    // receivers rightly call the second copy a replay).
    const auto openedByUs = oursApply(oursIn, kind, false, theirs, &error);
    const auto openedByThem = libsrtpApply(theirsIn.get(), kind, false, ours, &status);
    if (compared + 1 < crossCheckTraffic().size()) {
      ASSERT_EQ(error, SrtpError::kNone) << toString(error) << " packet " << compared;
      ASSERT_EQ(status, srtp_err_status_ok) << "packet " << compared;
      EXPECT_EQ(openedByUs, plain);
      EXPECT_EQ(openedByThem, plain);
    } else {
      EXPECT_EQ(error, SrtpError::kReplayed);
      EXPECT_EQ(status, srtp_err_status_replay_fail);
    }
    ++compared;
  }
  EXPECT_GT(compared, 130U);
}

INSTANTIATE_TEST_SUITE_P(AllProfiles, SrtpLibsrtpCrossCheckTest,
                         ::testing::ValuesIn(kAllSrtpProfiles));

}  // namespace
}  // namespace chorus::media
