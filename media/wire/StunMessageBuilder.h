#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "media/wire/SocketAddress.h"
#include "media/wire/StunIntegrityKey.h"
#include "media/wire/StunProtocol.h"

namespace chorus::media {

// What fills the 1 to 3 bytes after a value that is not a multiple of 4 long. RFC 8489 §14:
// any value, ignored by receivers; but MESSAGE-INTEGRITY and FINGERPRINT cover it, so
// reproducing a message byte for byte (RFC 5769's vectors pad with spaces) needs the same.
enum class StunPadding : std::uint8_t {
  kZeros = 0x00,
  kSpaces = 0x20,
};

// A Binding request as the controlling (or controlled) side of ICE sends it (RFC 8445 §7.2.2).
struct StunBindingRequestFields {
  StunTransactionId transactionId{};
  std::string_view username;  // "<remote ufrag>:<local ufrag>" (RFC 8445 §7.2.2)
  std::uint32_t priority = 0;
  IceRole role = IceRole::kControlling;
  std::uint64_t tieBreaker = 0;
  bool useCandidate = false;
  std::string_view software;  // omitted when empty
};

// Writes one STUN message into a caller's buffer, attribute by attribute, keeping the header's
// length current after each. Nothing allocates. An attribute that does not fit (or a value
// longer than STUN can express) spoils the message: finish() then returns nothing.
class StunMessageBuilder {
 public:
  StunMessageBuilder(std::span<std::uint8_t> buffer, StunMethod method, StunClass messageClass,
                     std::span<const std::uint8_t, kStunTransactionIdSize> transactionId,
                     StunPadding padding = StunPadding::kZeros) noexcept;

  void addAttribute(std::uint16_t type, std::span<const std::uint8_t> value) noexcept;
  void addString(StunAttributeType type, std::string_view value) noexcept;
  void addUint32(StunAttributeType type, std::uint32_t value) noexcept;
  void addUint64(StunAttributeType type, std::uint64_t value) noexcept;
  void addFlag(StunAttributeType type) noexcept;  // an empty value, like USE-CANDIDATE
  void addXorMappedAddress(const SocketAddress& address) noexcept;
  void addErrorCode(std::uint16_t code, std::string_view reason) noexcept;
  void addUnknownAttributes(std::span<const std::uint16_t> types) noexcept;
  // RFC 8489 §14.5 and §14.7: these two come last, in this order.
  void addMessageIntegrity(const StunIntegrityKey& key) noexcept;
  void addFingerprint() noexcept;

  // The message's size in bytes, or nothing if something did not fit.
  std::optional<std::size_t> finish() const noexcept;

  // RFC 8445 §7.3.1.4: the success response to a Binding request, with the source address
  // it came from, signed with the local password; SOFTWARE (first) when not empty.
  static std::optional<std::size_t> bindingSuccessResponse(
      std::span<std::uint8_t> buffer,
      std::span<const std::uint8_t, kStunTransactionIdSize> transactionId,
      const SocketAddress& mapped, const StunIntegrityKey& key, std::string_view software = {},
      StunPadding padding = StunPadding::kZeros) noexcept;

  // RFC 8489 §6.3.1.1, RFC 8445 §7.3.1.1: an error response with the code's reason phrase and,
  // for 420, the unknown attributes. `key` is null for 400 and 401, which answer requests
  // whose integrity could not be checked (RFC 8489 §9.1.3), and set otherwise.
  static std::optional<std::size_t> bindingErrorResponse(
      std::span<std::uint8_t> buffer,
      std::span<const std::uint8_t, kStunTransactionIdSize> transactionId, std::uint16_t code,
      std::span<const std::uint16_t> unknownAttributes, const StunIntegrityKey* key,
      StunPadding padding = StunPadding::kZeros) noexcept;

  // RFC 8445 §7.2.2: a connectivity check, signed with the remote password. The attribute
  // order is RFC 5769 §2.1's: SOFTWARE, PRIORITY, ICE-CONTROLLING/-CONTROLLED, USE-CANDIDATE,
  // USERNAME, MESSAGE-INTEGRITY, FINGERPRINT.
  static std::optional<std::size_t> bindingRequest(
      std::span<std::uint8_t> buffer, const StunBindingRequestFields& fields,
      const StunIntegrityKey& key, StunPadding padding = StunPadding::kZeros) noexcept;

 private:
  // Reserves an attribute of `length` value bytes and writes its header; returns the value's
  // offset, or nothing (and spoils the message) if it does not fit.
  std::optional<std::size_t> beginAttribute(std::uint16_t type, std::size_t length) noexcept;

  std::span<std::uint8_t> buffer_;
  std::size_t size_ = 0;
  bool overflowed_ = false;
  std::uint8_t padding_;
};

}  // namespace chorus::media
