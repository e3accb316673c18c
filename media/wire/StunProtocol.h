#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace chorus::media {

// The vocabulary STUN's parser and builder share (RFC 8489), limited to what an ICE agent with
// short-term credentials uses (RFC 8445 §7).
//
// RFC 8489 §5: every message starts with a 20-byte header.
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |0 0|     STUN Message Type     |         Message Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                         Magic Cookie                          |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                     Transaction ID (96 bits)                  |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// The length counts the bytes after the header. Attributes follow (RFC 8489 §14), each a 4-byte
// type+length header and a value padded to a multiple of 4 bytes.
inline constexpr std::size_t kStunHeaderSize = 20;
inline constexpr std::size_t kStunAttributeHeaderSize = 4;
inline constexpr std::uint32_t kStunMagicCookie = 0x2112A442;
inline constexpr std::size_t kStunTransactionIdSize = 12;
inline constexpr std::size_t kStunMessageIntegritySize = 20;  // HMAC-SHA1 (RFC 8489 §14.5)
inline constexpr std::size_t kStunFingerprintSize = 4;        // CRC-32 (RFC 8489 §14.7)
// RFC 8489 §14.7: the CRC-32 is XOR'ed with this, so STUN is told apart from other protocols
// whose packets carry a CRC-32 at the same place.
inline constexpr std::uint32_t kStunFingerprintXor = 0x5354554E;

using StunTransactionId = std::array<std::uint8_t, kStunTransactionIdSize>;

// RFC 8489 §5: the two class bits of the message type.
enum class StunClass : std::uint8_t {
  kRequest = 0b00,
  kIndication = 0b01,
  kSuccessResponse = 0b10,
  kErrorResponse = 0b11,
};

// RFC 8489 §18.2: ICE uses Binding only; other 12-bit values pass through parsing unchanged.
enum class StunMethod : std::uint16_t {
  kBinding = 0x001,
};

// RFC 8489 §5: the 14-bit message type interleaves the method bits M11..M0 with the class bits
// C1 C0:
//    0                 1
//    2  3  4 5 6 7 8 9 0 1 2 3 4 5
//   +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
//   |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
//   |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
//   +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
constexpr std::uint16_t stunMessageType(StunMethod method, StunClass messageClass) noexcept {
  const auto m = static_cast<std::uint16_t>(method);
  const auto c = static_cast<std::uint16_t>(messageClass);
  return static_cast<std::uint16_t>((m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) |
                                    ((c & 0b01) << 4) | ((c & 0b10) << 7));
}

constexpr StunClass stunClassOf(std::uint16_t messageType) noexcept {
  return static_cast<StunClass>(((messageType >> 4) & 0b01) | ((messageType >> 7) & 0b10));
}

constexpr StunMethod stunMethodOf(std::uint16_t messageType) noexcept {
  return static_cast<StunMethod>((messageType & 0x000F) | ((messageType >> 1) & 0x0070) |
                                 ((messageType >> 2) & 0x0F80));
}

// The attribute types Chorus reads or writes. RFC 8489 §14: types below 0x8000 are
// comprehension-required (a receiver that does not know one must fail the request with 420),
// 0x8000 and above comprehension-optional (skipped when unknown).
enum class StunAttributeType : std::uint16_t {
  kUsername = 0x0006,           // RFC 8489 §14.3
  kMessageIntegrity = 0x0008,   // RFC 8489 §14.5
  kErrorCode = 0x0009,          // RFC 8489 §14.8
  kUnknownAttributes = 0x000A,  // RFC 8489 §14.9
  kXorMappedAddress = 0x0020,   // RFC 8489 §14.2
  kPriority = 0x0024,           // RFC 8445 §16.1
  kUseCandidate = 0x0025,       // RFC 8445 §16.1
  kSoftware = 0x8022,           // RFC 8489 §14.14
  kFingerprint = 0x8028,        // RFC 8489 §14.7
  kIceControlled = 0x8029,      // RFC 8445 §16.1
  kIceControlling = 0x802A,     // RFC 8445 §16.1
  kGoogNetworkInfo = 0xC057,    // Chrome's network id and cost; not standardised
};

constexpr bool isComprehensionRequired(std::uint16_t attributeType) noexcept {
  return attributeType < 0x8000;
}

// RFC 8445 §7.1.3: which side of the ICE session an agent takes; a Binding request carries the
// sender's role and tie-breaker in ICE-CONTROLLING or ICE-CONTROLLED.
enum class IceRole : std::uint8_t {
  kControlling,
  kControlled,
};

// The error codes an ICE agent answers with (RFC 8489 §14.8, RFC 8445 §7.3.1.1).
inline constexpr std::uint16_t kStunBadRequest = 400;
inline constexpr std::uint16_t kStunUnauthenticated = 401;
inline constexpr std::uint16_t kStunUnknownAttribute = 420;
inline constexpr std::uint16_t kStunRoleConflict = 487;

// The reason phrase RFC 8489 §14.8 / RFC 8445 §7.3.1.1 suggest for a code; empty for others.
// (RFC 8489 renamed 401 from RFC 5389's "Unauthorized".)
constexpr std::string_view stunReasonPhraseOf(std::uint16_t code) noexcept {
  switch (code) {
    case kStunBadRequest:
      return "Bad Request";
    case kStunUnauthenticated:
      return "Unauthenticated";
    case kStunUnknownAttribute:
      return "Unknown Attribute";
    case kStunRoleConflict:
      return "Role Conflict";
    default:
      return "";
  }
}

}  // namespace chorus::media
