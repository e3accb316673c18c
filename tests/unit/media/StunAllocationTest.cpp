// STUN on the packet path allocates nothing: parsing, checking MESSAGE-INTEGRITY and
// FINGERPRINT, and building responses and requests make no call to operator new and none to
// OpenSSL's allocator. This binary replaces the global operator new and, through
// CRYPTO_set_mem_functions, OpenSSL's malloc with counting ones.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <new>

#include <openssl/crypto.h>

#include <gtest/gtest.h>

#include "media/wire/StunMessage.h"
#include "media/wire/StunMessageBuilder.h"
#include "tests/unit/media/StunTestVectors.h"

// Replacement allocators hand out raw memory by definition.
// NOLINTBEGIN(cppcoreguidelines-owning-memory,cppcoreguidelines-no-malloc,hicpp-no-malloc)
namespace {
std::uint64_t operatorNewCalls = 0;
std::uint64_t opensslMallocCalls = 0;

void* countingMalloc(std::size_t size, const char* /*file*/, int /*line*/) {
  ++opensslMallocCalls;
  return std::malloc(size);
}
void* countingRealloc(void* memory, std::size_t size, const char* /*file*/, int /*line*/) {
  ++opensslMallocCalls;
  return std::realloc(memory, size);
}
void countingFree(void* memory, const char* /*file*/, int /*line*/) {
  std::free(memory);
}
}  // namespace

void* operator new(std::size_t size) {
  ++operatorNewCalls;
  if (void* memory = std::malloc(size == 0 ? 1 : size)) {
    return memory;
  }
  throw std::bad_alloc();
}
void operator delete(void* memory) noexcept {
  std::free(memory);
}
void operator delete(void* memory, std::size_t /*size*/) noexcept {
  std::free(memory);
}
// NOLINTEND(cppcoreguidelines-owning-memory,cppcoreguidelines-no-malloc,hicpp-no-malloc)

namespace chorus::media {
namespace {

std::span<const std::uint8_t> bytesOf(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

TEST(StunAllocationTest, ParseVerifyAndBuildAllocateNothing) {
  // OpenSSL accepts new allocators only before its first allocation; nothing in this binary
  // calls OpenSSL before this test.
  ASSERT_EQ(CRYPTO_set_mem_functions(countingMalloc, countingRealloc, countingFree), 1);
  const auto chrome = test::chromeBindingRequest();  // allocates: a std::vector
  const StunIntegrityKey chromeKey(test::kChromePassword);
  std::array<std::uint8_t, 1500> out{};

  const std::uint64_t newBefore = operatorNewCalls;
  const std::uint64_t mallocBefore = opensslMallocCalls;
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
  EXPECT_EQ(operatorNewCalls - newBefore, 0U);
  EXPECT_EQ(opensslMallocCalls - mallocBefore, 0U);

  // The counters count: this test can fail.
  void* memory = OPENSSL_malloc(1);
  OPENSSL_free(memory);
  EXPECT_EQ(opensslMallocCalls - mallocBefore, 1U);
  const auto copy = test::chromeBindingRequest();
  EXPECT_GT(operatorNewCalls - newBefore, 0U);
}

}  // namespace
}  // namespace chorus::media
