#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "media/wire/SocketAddress.h"
#include "media/wire/StunIntegrityKey.h"
#include "media/wire/StunProtocol.h"

namespace chorus::media {

// Why a datagram is not a STUN message Chorus can read; each is a drop counter's label.
enum class StunRejectReason : std::uint8_t {
  kNone,
  kTooShort,                  // fewer than the 20 header bytes
  kNotStun,                   // RFC 8489 §6: the two most significant bits must be zero
  kBadMagicCookie,            // RFC 8489 §6: 0x2112A442, or an RFC 3489 (classic STUN) message
  kBadLength,                 // RFC 8489 §5: the length is a multiple of 4
  kLengthMismatch,            // the header's length is not what the datagram holds
  kAttributeOverrun,          // an attribute (with its padding) runs past the message's end
  kMalformedAttribute,        // a known attribute of the wrong size or with invalid contents
  kAttributeAfterFingerprint  // RFC 8489 §14.7: FINGERPRINT must be the last attribute
};

std::string_view toString(StunRejectReason reason) noexcept;

// ERROR-CODE (RFC 8489 §14.8): a code from 300 to 699 and its reason phrase.
struct StunErrorCode {
  std::uint16_t code = 0;
  std::string_view reason;
};

// The attribute types listed in an UNKNOWN-ATTRIBUTES value (RFC 8489 §14.9): 16-bit types in
// network order.
class StunAttributeTypeList {
 public:
  StunAttributeTypeList() noexcept = default;
  explicit StunAttributeTypeList(std::span<const std::uint8_t> value) noexcept : value_(value) {}

  std::size_t size() const noexcept { return value_.size() / 2; }
  std::uint16_t operator[](std::size_t index) const noexcept;

 private:
  std::span<const std::uint8_t> value_;
};

struct StunParseResult;

// A checked, zero-copy view of one STUN message (RFC 8489) in a datagram. parse() walks the
// attributes once and records where the ones ICE uses are; the accessors then read them without
// checking anything again. The datagram must outlive the view.
class StunMessage {
 public:
  // The most unknown comprehension-required attribute types remembered for a 420 answer;
  // a request carrying more gets the first ones listed.
  static constexpr std::size_t kMaxUnknownRequired = 8;

  static StunParseResult parse(std::span<const std::uint8_t> datagram) noexcept;

  StunClass messageClass() const noexcept;
  StunMethod method() const noexcept;
  bool isBindingRequest() const noexcept {
    return method() == StunMethod::kBinding && messageClass() == StunClass::kRequest;
  }
  std::span<const std::uint8_t, kStunTransactionIdSize> transactionId() const noexcept;
  std::span<const std::uint8_t> bytes() const noexcept { return bytes_; }

  // Attributes before MESSAGE-INTEGRITY (RFC 8489 §14.5: those after it, FINGERPRINT apart,
  // are ignored). A repeated attribute yields its first occurrence (RFC 8489 §14).
  std::optional<std::string_view> username() const noexcept;
  std::optional<std::string_view> software() const noexcept;
  std::optional<std::uint32_t> priority() const noexcept;
  bool useCandidate() const noexcept { return useCandidate_; }
  std::optional<std::uint64_t> iceControlling() const noexcept;
  std::optional<std::uint64_t> iceControlled() const noexcept;
  std::optional<SocketAddress> xorMappedAddress() const noexcept;
  std::optional<StunErrorCode> errorCode() const noexcept;
  StunAttributeTypeList unknownAttributes() const noexcept;  // UNKNOWN-ATTRIBUTES, if any

  // Where the MESSAGE-INTEGRITY attribute (its header) starts in bytes().
  std::optional<std::size_t> messageIntegrityOffset() const noexcept;
  bool hasMessageIntegrity() const noexcept { return messageIntegrity_ != 0; }
  bool hasFingerprint() const noexcept { return fingerprint_ != 0; }

  // Comprehension-required attribute types this parser does not know (RFC 8489 §6.3.1: a
  // request carrying any is answered with 420 listing them), at most kMaxUnknownRequired.
  std::span<const std::uint16_t> unknownRequiredAttributes() const noexcept {
    return std::span(unknownRequired_).first(unknownRequiredCount_);
  }
  bool hasUnknownRequiredAttributes() const noexcept { return unknownRequiredCount_ != 0; }

  // RFC 8489 §14.7: false when FINGERPRINT is absent or does not match.
  bool verifyFingerprint() const noexcept;

  // RFC 8489 §14.5: false when MESSAGE-INTEGRITY is absent or does not match. The overload with
  // a prepared key is the one for the packet path; the other prepares one on the stack.
  bool verifyIntegrity(const StunIntegrityKey& key) const noexcept;
  bool verifyIntegrity(std::span<const std::uint8_t> key) const noexcept;

 private:
  // Where a recorded attribute's value is; offset 0 (inside the header) means absent.
  struct Slot {
    std::uint32_t offset = 0;
    std::uint16_t length = 0;
  };

  explicit StunMessage(std::span<const std::uint8_t> bytes) noexcept : bytes_(bytes) {}

  // Records one attribute; false when a known attribute is malformed.
  bool record(std::uint16_t type, std::uint32_t valueOffset, std::uint16_t length) noexcept;
  void rememberUnknownRequired(std::uint16_t type) noexcept;
  std::string_view stringAt(Slot slot) const noexcept;

  std::span<const std::uint8_t> bytes_;
  Slot username_;
  Slot software_;
  Slot priority_;
  Slot iceControlling_;
  Slot iceControlled_;
  Slot xorMappedAddress_;
  Slot errorCode_;
  Slot unknownAttributes_;
  std::uint32_t messageIntegrity_ = 0;  // offset of the attribute header; 0: absent
  std::uint32_t fingerprint_ = 0;       // offset of the attribute header; 0: absent
  bool useCandidate_ = false;
  std::uint8_t unknownRequiredCount_ = 0;
  std::array<std::uint16_t, kMaxUnknownRequired> unknownRequired_{};
};

struct StunParseResult {
  std::optional<StunMessage> message;  // set when the datagram is a well-formed STUN message
  StunRejectReason reason = StunRejectReason::kNone;  // why not, otherwise
};

}  // namespace chorus::media
