#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "media/wire/StunMessage.h"
#include "media/wire/StunMessageBuilder.h"
#include "tests/unit/media/StunTestVectors.h"

namespace chorus::media {
namespace {

using test::kRfc5769Password;
using test::kRfc5769TransactionId;

std::vector<std::uint8_t> bytesOf(std::span<const std::uint8_t> bytes,
                                  std::optional<std::size_t> size) {
  EXPECT_TRUE(size.has_value());
  return {bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size.value_or(0))};
}

StunMessage parseOrFail(std::span<const std::uint8_t> bytes) {
  auto result = StunMessage::parse(bytes);
  EXPECT_TRUE(result.message.has_value()) << toString(result.reason);
  return result.message.value();
}

// RFC 5769 §2.1, rebuilt: the vector pads USERNAME with spaces, so the builder must too for the
// HMAC and CRC to come out the same.
TEST(StunMessageBuilderTest, RebuildsRfc5769SampleRequestByteForByte) {
  StunBindingRequestFields fields;
  fields.transactionId = kRfc5769TransactionId;
  fields.software = "STUN test client";
  fields.priority = 0x6e0001ff;
  fields.role = IceRole::kControlled;
  fields.tieBreaker = 0x932ff9b151263b36;
  fields.username = "evtj:h6vY";
  std::array<std::uint8_t, 256> buffer{};
  const auto size = StunMessageBuilder::bindingRequest(
      buffer, fields, StunIntegrityKey(kRfc5769Password), StunPadding::kSpaces);
  EXPECT_EQ(bytesOf(buffer, size),
            std::vector<std::uint8_t>(test::kRfc5769Request.begin(), test::kRfc5769Request.end()));
}

TEST(StunMessageBuilderTest, RebuildsRfc5769Ipv4ResponseByteForByte) {
  std::array<std::uint8_t, 256> buffer{};
  const auto size = StunMessageBuilder::bindingSuccessResponse(
      buffer, kRfc5769TransactionId,
      SocketAddress::ipv4(test::kRfc5769MappedIpv4, test::kRfc5769MappedPort),
      StunIntegrityKey(kRfc5769Password), "test vector", StunPadding::kSpaces);
  EXPECT_EQ(bytesOf(buffer, size), std::vector<std::uint8_t>(test::kRfc5769Ipv4Response.begin(),
                                                             test::kRfc5769Ipv4Response.end()));
}

TEST(StunMessageBuilderTest, RebuildsRfc5769Ipv6ResponseByteForByte) {
  std::array<std::uint8_t, 256> buffer{};
  const auto size = StunMessageBuilder::bindingSuccessResponse(
      buffer, kRfc5769TransactionId,
      SocketAddress::ipv6(test::kRfc5769MappedIpv6, test::kRfc5769MappedPort),
      StunIntegrityKey(kRfc5769Password), "test vector", StunPadding::kSpaces);
  EXPECT_EQ(bytesOf(buffer, size), std::vector<std::uint8_t>(test::kRfc5769Ipv6Response.begin(),
                                                             test::kRfc5769Ipv6Response.end()));
}

TEST(StunMessageBuilderTest, ZeroPaddingChangesOnlyPaddingAndTheChecksums) {
  std::array<std::uint8_t, 256> buffer{};
  const auto size = StunMessageBuilder::bindingSuccessResponse(
      buffer, kRfc5769TransactionId,
      SocketAddress::ipv4(test::kRfc5769MappedIpv4, test::kRfc5769MappedPort),
      StunIntegrityKey(kRfc5769Password), "test vector");
  const auto built = bytesOf(buffer, size);
  ASSERT_EQ(built.size(), test::kRfc5769Ipv4Response.size());
  for (std::size_t i = 0; i < built.size(); ++i) {
    const bool paddingOrChecksum = i == 35 || (i >= 52 && i < 72) || i >= 76;
    if (!paddingOrChecksum) {
      EXPECT_EQ(built[i], test::kRfc5769Ipv4Response[i]) << "byte " << i;
    }
  }
  EXPECT_EQ(built[35], 0);
  const StunMessage message = parseOrFail(built);
  EXPECT_TRUE(message.verifyIntegrity(StunIntegrityKey(kRfc5769Password)));
  EXPECT_TRUE(message.verifyFingerprint());
}

TEST(StunMessageBuilderTest, RequestAsControllingAgentParsesBack) {
  StunBindingRequestFields fields;
  fields.transactionId = test::kChromeTransactionId;
  fields.username = "server:client";
  fields.priority = 12345;
  fields.role = IceRole::kControlling;
  fields.tieBreaker = 42;
  fields.useCandidate = true;
  std::array<std::uint8_t, 256> buffer{};
  const StunIntegrityKey key("remote-password-of-22c");
  const auto size = StunMessageBuilder::bindingRequest(buffer, fields, key);
  ASSERT_TRUE(size.has_value());
  const StunMessage message = parseOrFail(std::span(buffer).first(*size));
  EXPECT_TRUE(message.isBindingRequest());
  EXPECT_EQ(message.username(), "server:client");
  EXPECT_EQ(message.priority(), 12345U);
  EXPECT_EQ(message.iceControlling(), 42U);
  EXPECT_EQ(message.iceControlled(), std::nullopt);
  EXPECT_TRUE(message.useCandidate());
  EXPECT_EQ(message.software(), std::nullopt);
  EXPECT_TRUE(message.verifyIntegrity(key));
  EXPECT_TRUE(message.verifyFingerprint());
}

TEST(StunMessageBuilderTest, ErrorResponsesWithoutIntegrityFor400And401) {
  for (const std::uint16_t code : {kStunBadRequest, kStunUnauthenticated}) {
    std::array<std::uint8_t, 256> buffer{};
    const auto size =
        StunMessageBuilder::bindingErrorResponse(buffer, kRfc5769TransactionId, code, {}, nullptr);
    ASSERT_TRUE(size.has_value());
    const StunMessage message = parseOrFail(std::span(buffer).first(*size));
    EXPECT_EQ(message.messageClass(), StunClass::kErrorResponse);
    EXPECT_EQ(message.method(), StunMethod::kBinding);
    ASSERT_TRUE(message.errorCode().has_value());
    EXPECT_EQ(message.errorCode()->code, code);
    EXPECT_EQ(message.errorCode()->reason, stunReasonPhraseOf(code));
    EXPECT_FALSE(message.hasMessageIntegrity());
    EXPECT_TRUE(message.verifyFingerprint());
  }
  EXPECT_EQ(stunReasonPhraseOf(kStunBadRequest), "Bad Request");
  EXPECT_EQ(stunReasonPhraseOf(kStunUnauthenticated), "Unauthenticated");
}

TEST(StunMessageBuilderTest, UnknownAttributeResponseListsThemAndIsSigned) {
  const std::array<std::uint16_t, 3> unknown{0x7f01, 0x0003, 0x001c};  // odd count: padded
  const StunIntegrityKey key(kRfc5769Password);
  std::array<std::uint8_t, 256> buffer{};
  const auto size = StunMessageBuilder::bindingErrorResponse(buffer, kRfc5769TransactionId,
                                                             kStunUnknownAttribute, unknown, &key);
  ASSERT_TRUE(size.has_value());
  const StunMessage message = parseOrFail(std::span(buffer).first(*size));
  ASSERT_TRUE(message.errorCode().has_value());
  EXPECT_EQ(message.errorCode()->code, 420);
  EXPECT_EQ(message.errorCode()->reason, "Unknown Attribute");
  ASSERT_EQ(message.unknownAttributes().size(), 3U);
  EXPECT_EQ(message.unknownAttributes()[0], 0x7f01);
  EXPECT_EQ(message.unknownAttributes()[1], 0x0003);
  EXPECT_EQ(message.unknownAttributes()[2], 0x001c);
  EXPECT_TRUE(message.verifyIntegrity(key));
  EXPECT_TRUE(message.verifyFingerprint());
}

TEST(StunMessageBuilderTest, RoleConflictResponseIsSigned) {
  const StunIntegrityKey key(kRfc5769Password);
  std::array<std::uint8_t, 256> buffer{};
  const auto size = StunMessageBuilder::bindingErrorResponse(buffer, kRfc5769TransactionId,
                                                             kStunRoleConflict, {}, &key);
  ASSERT_TRUE(size.has_value());
  const StunMessage message = parseOrFail(std::span(buffer).first(*size));
  ASSERT_TRUE(message.errorCode().has_value());
  EXPECT_EQ(message.errorCode()->code, 487);
  EXPECT_EQ(message.errorCode()->reason, "Role Conflict");
  EXPECT_EQ(message.unknownAttributes().size(), 0U);
  EXPECT_TRUE(message.verifyIntegrity(key));
  EXPECT_TRUE(message.verifyFingerprint());
}

// Every buffer too small gets nothing, the exact size gets the message, and no size makes the
// builder write outside the span it was given.
TEST(StunMessageBuilderTest, TooSmallBuffersGetNothingAndAreNotOverrun) {
  const StunIntegrityKey key(kRfc5769Password);
  const auto mapped = SocketAddress::ipv6(test::kRfc5769MappedIpv6, test::kRfc5769MappedPort);
  const std::size_t needed = test::kRfc5769Ipv6Response.size();
  constexpr std::uint8_t kGuard = 0xa5;
  for (std::size_t capacity = 0; capacity <= needed; ++capacity) {
    std::vector<std::uint8_t> storage(needed + 8, kGuard);
    const auto size = StunMessageBuilder::bindingSuccessResponse(
        std::span(storage).first(capacity), kRfc5769TransactionId, mapped, key, "test vector");
    if (capacity < needed) {
      EXPECT_EQ(size, std::nullopt) << "capacity " << capacity;
    } else {
      EXPECT_EQ(size, needed);
    }
    for (std::size_t i = capacity; i < storage.size(); ++i) {
      ASSERT_EQ(storage[i], kGuard) << "capacity " << capacity << " byte " << i;
    }
  }
}

TEST(StunMessageBuilderTest, ValueLongerThanStunCanCarrySpoilsTheMessage) {
  std::vector<std::uint8_t> buffer(70000);
  StunMessageBuilder builder(buffer, StunMethod::kBinding, StunClass::kRequest,
                             kRfc5769TransactionId);
  builder.addString(StunAttributeType::kSoftware, std::string(65536, 's'));
  EXPECT_EQ(builder.finish(), std::nullopt);

  StunMessageBuilder overLength(buffer, StunMethod::kBinding, StunClass::kRequest,
                                kRfc5769TransactionId);
  overLength.addString(StunAttributeType::kSoftware, std::string(65000, 's'));
  ASSERT_TRUE(overLength.finish().has_value());
  overLength.addString(StunAttributeType::kSoftware, std::string(600, 's'));  // length > 65535
  EXPECT_EQ(overLength.finish(), std::nullopt);
}

}  // namespace
}  // namespace chorus::media
