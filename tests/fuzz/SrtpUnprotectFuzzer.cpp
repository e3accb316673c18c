// Unprotecting arbitrary bytes, with fixed keys, under every profile, as RTP and as RTCP: never
// a crash or a read past the packet (ASan checks: the buffer is exactly the input's size). When
// a packet does authenticate (the seeds do), protecting the plaintext again at the same index
// must give back the input byte for byte.
//
// Input: byte 0 picks the profile (value % 3) and RTP or RTCP (value / 3 % 2); the rest is the
// packet.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "media/security/SrtpCipher.h"
#include "media/security/SrtpContext.h"
#include "media/security/SrtpKeyDerivation.h"
#include "media/wire/ByteOrder.h"
#include "tests/unit/media/SrtpTestPackets.h"

namespace {

using chorus::media::SrtpCipher;
using chorus::media::SrtpContext;
using chorus::media::SrtpKeyUse;
using chorus::media::SrtpProfile;

constexpr std::uint8_t kFuzzKeySeed = 9;

void checkReprotectGivesBack(SrtpProfile profile, bool rtcp, std::span<const std::uint8_t> input,
                             const std::vector<std::uint8_t>& opened, std::size_t plainLength) {
  const auto master = chorus::media::testing::testMasterKey(kFuzzKeySeed);
  SrtpCipher cipher(
      profile, deriveSessionKeys(profile, master, rtcp ? SrtpKeyUse::kRtcp : SrtpKeyUse::kRtp));
  std::vector<std::uint8_t> buffer(input.size());
  std::copy_n(opened.begin(), plainLength, buffer.begin());
  bool sealed = false;
  if (rtcp) {
    const std::uint32_t trailer =
        chorus::media::loadBe32(input, cipher.rtcpTrailerAt(input.size()));
    sealed = cipher.protectRtcp(buffer, plainLength, chorus::media::loadBe32(buffer, 4),
                                trailer & 0x7fffffffU);
  } else {
    // A fresh receiver took the packet's ROC as 0; so does a fresh sender.
    SrtpContext sender(profile, master);
    const auto result = sender.protectRtp(buffer, plainLength);
    sealed = result.ok() && result.length == input.size();
  }
  if (!sealed || !std::equal(buffer.begin(), buffer.end(), input.begin())) {
    std::abort();
  }
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const auto profile = chorus::media::testing::kAllSrtpProfiles[data[0] % 3];
  const bool rtcp = (data[0] / 3) % 2 == 1;
  const std::span<const std::uint8_t> input(data + 1, size - 1);
  std::vector<std::uint8_t> buffer(input.begin(), input.end());
  SrtpContext receiver(profile, chorus::media::testing::testMasterKey(kFuzzKeySeed));
  const auto result = rtcp ? receiver.unprotectRtcp(buffer, buffer.size())
                           : receiver.unprotectRtp(buffer, buffer.size());
  if (result.ok()) {
    const std::size_t overhead = rtcp ? receiver.rtcpOverhead() : receiver.rtpOverhead();
    if (result.length + overhead != input.size()) {
      std::abort();
    }
    checkReprotectGivesBack(profile, rtcp, input, buffer, result.length);
  }
  return 0;
}
