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

using test::kRfc5769Ipv4Response;
using test::kRfc5769Ipv6Response;
using test::kRfc5769Password;
using test::kRfc5769Request;

std::span<const std::uint8_t> bytesOf(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

StunMessage parseOrFail(std::span<const std::uint8_t> bytes) {
  auto result = StunMessage::parse(bytes);
  EXPECT_TRUE(result.message.has_value()) << toString(result.reason);
  return result.message.value();
}

StunRejectReason reasonOf(std::span<const std::uint8_t> bytes) {
  const auto result = StunMessage::parse(bytes);
  EXPECT_EQ(result.message.has_value(), result.reason == StunRejectReason::kNone);
  return result.reason;
}

// A message with a 20-byte header (Binding request, the RFC 5769 transaction id) and the given
// attribute bytes, the length field set to match.
std::vector<std::uint8_t> messageWith(const std::vector<std::uint8_t>& attributes) {
  std::vector<std::uint8_t> bytes(kRfc5769Request.begin(), kRfc5769Request.begin() + 20);
  bytes.insert(bytes.end(), attributes.begin(), attributes.end());
  bytes[2] = static_cast<std::uint8_t>(attributes.size() >> 8);
  bytes[3] = static_cast<std::uint8_t>(attributes.size());
  return bytes;
}

TEST(StunMessageTest, Rfc5769SampleRequestParsesWithEveryAttribute) {
  const StunMessage message = parseOrFail(kRfc5769Request);
  EXPECT_EQ(message.method(), StunMethod::kBinding);
  EXPECT_EQ(message.messageClass(), StunClass::kRequest);
  EXPECT_TRUE(message.isBindingRequest());
  EXPECT_TRUE(std::equal(message.transactionId().begin(), message.transactionId().end(),
                         test::kRfc5769TransactionId.begin()));
  EXPECT_EQ(message.software(), "STUN test client");
  EXPECT_EQ(message.priority(), 0x6e0001ffU);
  EXPECT_EQ(message.iceControlled(), 0x932ff9b151263b36U);
  EXPECT_EQ(message.iceControlling(), std::nullopt);
  EXPECT_FALSE(message.useCandidate());
  EXPECT_EQ(message.username(), "evtj:h6vY");  // the three padding spaces are not part of it
  EXPECT_EQ(message.messageIntegrityOffset(), 76U);
  EXPECT_TRUE(message.hasFingerprint());
  EXPECT_EQ(message.xorMappedAddress(), std::nullopt);
  EXPECT_EQ(message.errorCode(), std::nullopt);
  EXPECT_FALSE(message.hasUnknownRequiredAttributes());
  EXPECT_TRUE(message.verifyFingerprint());
  EXPECT_TRUE(message.verifyIntegrity(bytesOf(kRfc5769Password)));
  EXPECT_TRUE(message.verifyIntegrity(StunIntegrityKey(kRfc5769Password)));
}

TEST(StunMessageTest, Rfc5769Ipv4ResponseParsesWithMappedAddress) {
  const StunMessage message = parseOrFail(kRfc5769Ipv4Response);
  EXPECT_EQ(message.method(), StunMethod::kBinding);
  EXPECT_EQ(message.messageClass(), StunClass::kSuccessResponse);
  EXPECT_FALSE(message.isBindingRequest());
  EXPECT_EQ(message.software(), "test vector");
  EXPECT_EQ(message.xorMappedAddress(),
            SocketAddress::ipv4(test::kRfc5769MappedIpv4, test::kRfc5769MappedPort));
  EXPECT_EQ(message.username(), std::nullopt);
  EXPECT_EQ(message.priority(), std::nullopt);
  EXPECT_TRUE(message.verifyFingerprint());
  EXPECT_TRUE(message.verifyIntegrity(bytesOf(kRfc5769Password)));
}

TEST(StunMessageTest, Rfc5769Ipv6ResponseParsesWithMappedAddress) {
  const StunMessage message = parseOrFail(kRfc5769Ipv6Response);
  EXPECT_EQ(message.messageClass(), StunClass::kSuccessResponse);
  EXPECT_EQ(message.software(), "test vector");
  const auto mapped = message.xorMappedAddress();
  ASSERT_TRUE(mapped.has_value());
  EXPECT_EQ(mapped->family, SocketAddress::Family::kIpv6);
  EXPECT_EQ(*mapped, SocketAddress::ipv6(test::kRfc5769MappedIpv6, test::kRfc5769MappedPort));
  EXPECT_TRUE(message.verifyFingerprint());
  EXPECT_TRUE(message.verifyIntegrity(bytesOf(kRfc5769Password)));
}

TEST(StunMessageTest, IntegrityFailsWithAnyOtherKey) {
  const StunMessage message = parseOrFail(kRfc5769Request);
  EXPECT_FALSE(message.verifyIntegrity(bytesOf("VOkJxbRl1RmTxUk/WvJxBT")));
  EXPECT_FALSE(message.verifyIntegrity(bytesOf("VOkJxbRl1RmTxUk/WvJxB")));
  EXPECT_FALSE(message.verifyIntegrity(bytesOf("")));
  EXPECT_FALSE(message.verifyIntegrity(StunIntegrityKey(std::string(100, 'x'))));
}

TEST(StunMessageTest, AnyFlippedBitFailsFingerprintAndIntegrity) {
  const std::size_t integrityEnd = 76 + 24;
  const std::size_t fingerprintValue = integrityEnd + 4;
  for (std::size_t bit = 0; bit < kRfc5769Request.size() * 8; ++bit) {
    auto bytes = kRfc5769Request;
    bytes[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
    const auto result = StunMessage::parse(bytes);
    if (!result.message) {
      continue;  // a flip in the header or an attribute header may make it unparseable
    }
    EXPECT_FALSE(result.message->verifyFingerprint()) << "bit " << bit;
    if (bit / 8 < integrityEnd) {
      EXPECT_FALSE(result.message->verifyIntegrity(bytesOf(kRfc5769Password))) << "bit " << bit;
    } else if (bit / 8 >= fingerprintValue) {
      EXPECT_TRUE(result.message->verifyIntegrity(bytesOf(kRfc5769Password))) << "bit " << bit;
    }
  }
}

TEST(StunMessageTest, EveryTruncationIsRejected) {
  for (std::size_t size = 0; size < kRfc5769Request.size(); ++size) {
    const auto reason = reasonOf(std::span(kRfc5769Request).first(size));
    EXPECT_EQ(reason, size < kStunHeaderSize ? StunRejectReason::kTooShort
                                             : StunRejectReason::kLengthMismatch)
        << "size " << size;
  }
}

TEST(StunMessageTest, TrailingBytesAfterTheMessageAreRejected) {
  std::vector<std::uint8_t> bytes(kRfc5769Request.begin(), kRfc5769Request.end());
  bytes.insert(bytes.end(), {0, 0, 0, 0});
  EXPECT_EQ(reasonOf(bytes), StunRejectReason::kLengthMismatch);
}

TEST(StunMessageTest, WrongMagicCookieIsRejected) {
  auto bytes = kRfc5769Request;
  bytes[7] = 0x43;
  EXPECT_EQ(reasonOf(bytes), StunRejectReason::kBadMagicCookie);
}

TEST(StunMessageTest, TopBitsSetIsNotStun) {
  auto bytes = kRfc5769Request;
  bytes[0] = 0x80;  // RTP's version bits
  EXPECT_EQ(reasonOf(bytes), StunRejectReason::kNotStun);
  bytes[0] = 0x40;
  EXPECT_EQ(reasonOf(bytes), StunRejectReason::kNotStun);
}

TEST(StunMessageTest, LengthNotMultipleOfFourIsRejected) {
  std::vector<std::uint8_t> bytes = messageWith({0x80, 0x22, 0x00, 0x01, 'x'});
  EXPECT_EQ(reasonOf(bytes), StunRejectReason::kBadLength);
}

TEST(StunMessageTest, AttributeOverrunningTheMessageIsRejected) {
  // SOFTWARE claims 8 bytes; 4 follow.
  EXPECT_EQ(reasonOf(messageWith({0x80, 0x22, 0x00, 0x08, 'a', 'b', 'c', 'd'})),
            StunRejectReason::kAttributeOverrun);
  // 5 bytes claimed, 4 present: the padding would run past the end.
  EXPECT_EQ(reasonOf(messageWith({0x80, 0x22, 0x00, 0x05, 'a', 'b', 'c', 'd'})),
            StunRejectReason::kAttributeOverrun);
  EXPECT_EQ(reasonOf(messageWith({0x80, 0x22, 0xff, 0xff, 'a', 'b', 'c', 'd'})),
            StunRejectReason::kAttributeOverrun);
}

TEST(StunMessageTest, EmptyMessageParses) {
  const auto bytes = messageWith({});
  const StunMessage message = parseOrFail(bytes);
  EXPECT_FALSE(message.hasMessageIntegrity());
  EXPECT_FALSE(message.hasFingerprint());
  EXPECT_FALSE(message.verifyFingerprint());
  EXPECT_FALSE(message.verifyIntegrity(bytesOf(kRfc5769Password)));
}

TEST(StunMessageTest, MalformedKnownAttributesAreRejected) {
  const std::vector<std::vector<std::uint8_t>> malformed{
      {0x00, 0x24, 0x00, 0x03, 1, 2, 3, 0},                   // PRIORITY of 3 bytes
      {0x80, 0x2a, 0x00, 0x04, 1, 2, 3, 4},                   // ICE-CONTROLLING of 4 bytes
      {0x80, 0x29, 0x00, 0x04, 1, 2, 3, 4},                   // ICE-CONTROLLED of 4 bytes
      {0x00, 0x25, 0x00, 0x04, 1, 2, 3, 4},                   // USE-CANDIDATE with a value
      {0x00, 0x20, 0x00, 0x08, 0, 3, 0, 0, 1, 2, 3, 4},       // family 3
      {0x00, 0x20, 0x00, 0x14, 0, 1, 0, 0, 1, 2, 3, 4, 0, 0,  // IPv4 family, IPv6 length
       0,    0,    0,    0,    0, 0, 0, 0, 0, 0},
      {0x00, 0x20, 0x00, 0x01, 0, 0, 0, 0},              // too short for a family
      {0x00, 0x09, 0x00, 0x04, 0, 0, 7, 0},              // error class 7
      {0x00, 0x09, 0x00, 0x04, 0, 0, 4, 100},            // error number 100
      {0x00, 0x09, 0x00, 0x02, 0, 0, 0, 0},              // ERROR-CODE too short
      {0x00, 0x0a, 0x00, 0x03, 0, 1, 0, 0},              // odd UNKNOWN-ATTRIBUTES
      {0x80, 0x28, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 0, 0},  // FINGERPRINT of 8 bytes
  };
  for (const auto& attributes : malformed) {
    EXPECT_EQ(reasonOf(messageWith(attributes)), StunRejectReason::kMalformedAttribute)
        << "attribute type " << int{attributes[0]} << "," << int{attributes[1]};
  }
  std::vector<std::uint8_t> shortIntegrity{0x00, 0x08, 0x00, 0x13};
  shortIntegrity.resize(4 + 20, 0);
  EXPECT_EQ(reasonOf(messageWith(shortIntegrity)), StunRejectReason::kMalformedAttribute);
}

TEST(StunMessageTest, AttributeAfterFingerprintIsRejected) {
  EXPECT_EQ(reasonOf(messageWith({0x80, 0x28, 0x00, 0x04, 0, 0, 0, 0, 0x80, 0x22, 0x00, 0x00})),
            StunRejectReason::kAttributeAfterFingerprint);
}

TEST(StunMessageTest, UnknownRequiredAttributesAreReportedOnceEach) {
  const auto bytes = messageWith({
      0x7f, 0x01, 0x00, 0x01, 9, 0, 0, 0,  // unknown, comprehension-required
      0x00, 0x03, 0x00, 0x00,              // CHANGE-REQUEST's old code point: unknown here
      0x7f, 0x01, 0x00, 0x00,              // the first again: listed once
  });
  const StunMessage message = parseOrFail(bytes);
  ASSERT_TRUE(message.hasUnknownRequiredAttributes());
  EXPECT_EQ(std::vector<std::uint16_t>(message.unknownRequiredAttributes().begin(),
                                       message.unknownRequiredAttributes().end()),
            (std::vector<std::uint16_t>{0x7f01, 0x0003}));
}

TEST(StunMessageTest, UnknownRequiredAttributesAreCappedForThe420Answer) {
  std::vector<std::uint8_t> attributes;
  for (std::uint8_t i = 0; i < 12; ++i) {
    attributes.insert(attributes.end(), {0x70, i, 0x00, 0x00});
  }
  const auto bytes = messageWith(attributes);
  const StunMessage message = parseOrFail(bytes);
  ASSERT_EQ(message.unknownRequiredAttributes().size(), StunMessage::kMaxUnknownRequired);
  EXPECT_EQ(message.unknownRequiredAttributes()[0], 0x7000);
  EXPECT_EQ(message.unknownRequiredAttributes()[7], 0x7007);
}

TEST(StunMessageTest, UnknownOptionalAttributesAreSkipped) {
  const auto bytes = messageWith({
      0xc0, 0xff, 0x00, 0x03, 1, 2, 3, 0,  // unknown, comprehension-optional
      0x00, 0x24, 0x00, 0x04, 0, 0, 0, 7,  // PRIORITY after it is still read
  });
  const StunMessage message = parseOrFail(bytes);
  EXPECT_FALSE(message.hasUnknownRequiredAttributes());
  EXPECT_EQ(message.priority(), 7U);
}

TEST(StunMessageTest, AttributesAfterIntegrityAreIgnoredButFingerprint) {
  std::array<std::uint8_t, 256> buffer{};
  StunMessageBuilder builder(buffer, StunMethod::kBinding, StunClass::kRequest,
                             test::kRfc5769TransactionId);
  builder.addString(StunAttributeType::kUsername, "a:b");
  builder.addMessageIntegrity(StunIntegrityKey(kRfc5769Password));
  builder.addUint32(StunAttributeType::kPriority, 99);
  builder.addAttribute(0x7f01, {});
  builder.addFingerprint();
  const auto size = builder.finish();
  ASSERT_TRUE(size.has_value());
  const StunMessage message = parseOrFail(std::span(buffer).first(*size));
  EXPECT_EQ(message.username(), "a:b");
  EXPECT_EQ(message.priority(), std::nullopt);
  EXPECT_FALSE(message.hasUnknownRequiredAttributes());
  EXPECT_TRUE(message.verifyIntegrity(bytesOf(kRfc5769Password)));
  EXPECT_TRUE(message.verifyFingerprint());
}

TEST(StunMessageTest, RepeatedAttributeYieldsTheFirst) {
  const auto bytes = messageWith({
      0x00, 0x24, 0x00, 0x04, 0, 0, 0, 1,  // PRIORITY 1
      0x00, 0x24, 0x00, 0x04, 0, 0, 0, 2,  // PRIORITY 2
  });
  const StunMessage message = parseOrFail(bytes);
  EXPECT_EQ(message.priority(), 1U);
}

TEST(StunMessageTest, ErrorResponseCarriesCodeReasonAndUnknownAttributes) {
  auto bytes = messageWith({
      0x00, 0x09, 0x00, 0x15, 0,    0,    4,    20,   'U', 'n', 'k', 'n', 'o', 'w',
      'n',  ' ',  'A',  't',  't',  'r',  'i',  'b',  'u', 't', 'e', 0,   0,   0,  //
      0x00, 0x0a, 0x00, 0x04, 0x7f, 0x01, 0x00, 0x03,                              //
  });
  bytes[0] = 0x01;  // Binding error response: 0x0111
  bytes[1] = 0x11;
  const StunMessage message = parseOrFail(bytes);
  EXPECT_EQ(message.messageClass(), StunClass::kErrorResponse);
  EXPECT_EQ(message.method(), StunMethod::kBinding);
  const auto error = message.errorCode();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, 420);
  EXPECT_EQ(error->reason, "Unknown Attribute");
  ASSERT_EQ(message.unknownAttributes().size(), 2U);
  EXPECT_EQ(message.unknownAttributes()[0], 0x7f01);
  EXPECT_EQ(message.unknownAttributes()[1], 0x0003);
  EXPECT_FALSE(message.hasUnknownRequiredAttributes());
}

TEST(StunMessageTest, ChromeStyleBindingRequestParses) {
  const auto bytes = test::chromeBindingRequest();
  const StunMessage message = parseOrFail(bytes);
  EXPECT_TRUE(message.isBindingRequest());
  EXPECT_EQ(message.username(), test::kChromeUsername);
  EXPECT_EQ(message.iceControlling(), test::kChromeTieBreaker);
  EXPECT_EQ(message.iceControlled(), std::nullopt);
  EXPECT_TRUE(message.useCandidate());
  EXPECT_EQ(message.priority(), test::kChromePriority);
  EXPECT_FALSE(message.hasUnknownRequiredAttributes());  // GOOG-NETWORK-INFO is optional
  EXPECT_TRUE(message.verifyIntegrity(StunIntegrityKey(test::kChromePassword)));
  EXPECT_TRUE(message.verifyFingerprint());
}

TEST(StunMessageTest, MessageTypeEncodesClassAndMethodAsRfc8489Section5) {
  EXPECT_EQ(stunMessageType(StunMethod::kBinding, StunClass::kRequest), 0x0001);
  EXPECT_EQ(stunMessageType(StunMethod::kBinding, StunClass::kIndication), 0x0011);
  EXPECT_EQ(stunMessageType(StunMethod::kBinding, StunClass::kSuccessResponse), 0x0101);
  EXPECT_EQ(stunMessageType(StunMethod::kBinding, StunClass::kErrorResponse), 0x0111);
  for (std::uint16_t type = 0; type < 0x4000; ++type) {
    EXPECT_EQ(stunMessageType(stunMethodOf(type), stunClassOf(type)), type);
  }
}

TEST(StunMessageTest, EveryRejectReasonHasAMetricLabel) {
  EXPECT_EQ(toString(StunRejectReason::kTooShort), "too_short");
  EXPECT_EQ(toString(StunRejectReason::kNotStun), "not_stun");
  EXPECT_EQ(toString(StunRejectReason::kBadMagicCookie), "bad_magic_cookie");
  EXPECT_EQ(toString(StunRejectReason::kBadLength), "bad_length");
  EXPECT_EQ(toString(StunRejectReason::kLengthMismatch), "length_mismatch");
  EXPECT_EQ(toString(StunRejectReason::kAttributeOverrun), "attribute_overrun");
  EXPECT_EQ(toString(StunRejectReason::kMalformedAttribute), "malformed_attribute");
  EXPECT_EQ(toString(StunRejectReason::kAttributeAfterFingerprint), "attribute_after_fingerprint");
}

}  // namespace
}  // namespace chorus::media
