// SRTP allocates nothing per packet: after warm-up, protect and unprotect (and a rejected
// forgery) make no call to operator new and no call into OpenSSL's allocator
// (tests/support/AllocationCounter counts them).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <gtest/gtest.h>

#include "media/security/SrtpContext.h"
#include "tests/support/AllocationCounter.h"
#include "tests/unit/media/SrtpTestPackets.h"

namespace {

std::uint64_t allocations() {
  const auto count = chorus::test::allocationsOnThisThread();
  return count.operatorNew + count.openssl;
}

}  // namespace

namespace chorus::media {
namespace {

class SrtpAllocationTest : public ::testing::TestWithParam<SrtpProfile> {};

TEST_P(SrtpAllocationTest, ProtectAndUnprotectAllocateNothingAfterWarmUp) {
  ASSERT_TRUE(chorus::test::opensslAllocationsCounted())
      << "OpenSSL allocated before the hooks went in";
  SrtpContext sender(GetParam(), testing::testMasterKey(3));
  SrtpContext receiver(GetParam(), testing::testMasterKey(3));
  std::vector<std::uint8_t> rtp = testing::withRoom(testing::rtpPacket(0x5eed, 0, 1200, 2, true));
  std::vector<std::uint8_t> forged(rtp.size());
  std::vector<std::uint8_t> rtcp = testing::withRoom(testing::rtcpReceiverReport(0x5eed, 1));
  const std::size_t rtpLength = rtp.size() - testing::kSrtpRoom;
  const std::size_t rtcpLength = rtcp.size() - testing::kSrtpRoom;

  std::uint64_t before = 0;
  for (int round = 0; round < 2; ++round) {  // round 0 warms up, round 1 counts
    before = allocations();
    for (std::uint16_t seq = 0; seq < 1000; ++seq) {
      // A new SSRC every 100 packets: taking a table slot must not allocate either.
      const std::uint32_t ssrc = 0x5eed + round * 16U + seq / 100U;
      storeBe32(rtp, 8, ssrc);
      storeBe16(rtp, 2, static_cast<std::uint16_t>(seq + round * 1000));
      const SrtpResult sealed = sender.protectRtp(rtp, rtpLength);
      ASSERT_TRUE(sealed.ok());
      // A forgery first, in its own buffer (a failed unprotect leaves its buffer unspecified):
      // the failing path must not allocate either.
      std::copy(rtp.begin(), rtp.end(), forged.begin());
      forged[40] ^= 1;
      ASSERT_EQ(receiver.unprotectRtp(forged, sealed.length).error,
                SrtpError::kAuthenticationFailed);
      ASSERT_TRUE(receiver.unprotectRtp(rtp, sealed.length).ok());

      storeBe32(rtcp, 4, ssrc);
      const SrtpResult sealedRtcp = sender.protectRtcp(rtcp, rtcpLength);
      ASSERT_TRUE(sealedRtcp.ok());
      ASSERT_TRUE(receiver.unprotectRtcp(rtcp, sealedRtcp.length).ok());
    }
  }
  EXPECT_EQ(allocations() - before, 0U)
      << "operator new: " << chorus::test::allocationsOnThisThread().operatorNew
      << ", OpenSSL: " << chorus::test::allocationsOnThisThread().openssl;
  EXPECT_GT(chorus::test::allocationsOnThisThread().openssl, 0U)
      << "the OpenSSL hooks counted nothing at all";
}

INSTANTIATE_TEST_SUITE_P(AllProfiles, SrtpAllocationTest,
                         ::testing::ValuesIn(testing::kAllSrtpProfiles));

}  // namespace
}  // namespace chorus::media
