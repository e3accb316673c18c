// STUN on the packet path allocates nothing: parsing, checking MESSAGE-INTEGRITY and
// FINGERPRINT, and building responses and requests make no call to operator new and none to
// OpenSSL's allocator (tests/support/AllocationCounter counts them).
#include <array>
#include <cstdint>
#include <cstdlib>

#include <openssl/crypto.h>

#include <gtest/gtest.h>

#include "media/wire/StunMessage.h"
#include "media/wire/StunMessageBuilder.h"
#include "tests/support/AllocationCounter.h"
#include "tests/unit/media/StunTestVectors.h"

namespace chorus::media {
namespace {

std::span<const std::uint8_t> bytesOf(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

TEST(StunAllocationTest, ParseVerifyAndBuildAllocateNothing) {
  ASSERT_TRUE(chorus::test::opensslAllocationsCounted());
  const auto chrome = test::chromeBindingRequest();  // allocates: a std::vector
  const StunIntegrityKey chromeKey(test::kChromePassword);
  std::array<std::uint8_t, 1500> out{};

  const std::uint64_t newBefore = chorus::test::allocationsOnThisThread().operatorNew;
  const std::uint64_t mallocBefore = chorus::test::allocationsOnThisThread().openssl;
  bool allGood = true;
  for (int i = 0; i < 100; ++i) {
    const auto request = StunMessage::parse(test::kRfc5769Request);
    allGood = allGood && request.message &&
              request.message->verifyIntegrity(bytesOf(test::kRfc5769Password)) &&
              request.message->verifyFingerprint();
    const auto fromChrome = StunMessage::parse(chrome);
    allGood = allGood && fromChrome.message && fromChrome.message->verifyIntegrity(chromeKey) &&
              fromChrome.message->verifyFingerprint();
    allGood = allGood && StunMessageBuilder::bindingSuccessResponse(
                             out, fromChrome.message->transactionId(),
                             SocketAddress::ipv4({192, 0, 2, 1}, 40000), chromeKey)
                             .has_value();
    StunBindingRequestFields fields;
    fields.username = test::kChromeUsername;
    fields.useCandidate = true;
    allGood = allGood && StunMessageBuilder::bindingRequest(out, fields, chromeKey).has_value();
    const std::array<std::uint16_t, 1> unknown{0x7f01};
    allGood = allGood && StunMessageBuilder::bindingErrorResponse(
                             out, fields.transactionId, kStunUnknownAttribute, unknown, &chromeKey)
                             .has_value();
  }
  EXPECT_TRUE(allGood);
  EXPECT_EQ(chorus::test::allocationsOnThisThread().operatorNew - newBefore, 0U);
  EXPECT_EQ(chorus::test::allocationsOnThisThread().openssl - mallocBefore, 0U);

  // The counters count: this test can fail.
  void* memory = OPENSSL_malloc(1);
  OPENSSL_free(memory);
  EXPECT_EQ(chorus::test::allocationsOnThisThread().openssl - mallocBefore, 1U);
  const auto copy = test::chromeBindingRequest();
  EXPECT_GT(chorus::test::allocationsOnThisThread().operatorNew - newBefore, 0U);
}

}  // namespace
}  // namespace chorus::media
