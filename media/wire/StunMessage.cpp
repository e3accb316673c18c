#include "media/wire/StunMessage.h"

#include <algorithm>
#include <zlib.h>

#include <openssl/crypto.h>

#include "media/wire/ByteOrder.h"

namespace chorus::media {
namespace {

constexpr std::uint8_t kNotStunBits = 0xC0;  // RFC 8489 §6: the top two bits are zero
constexpr std::size_t kPriorityLength = 4;
constexpr std::size_t kTieBreakerLength = 8;
constexpr std::size_t kErrorCodeHeaderLength = 4;

// RFC 8489 §14.2: XOR-MAPPED-ADDRESS is a reserved byte, the family, the port XOR'ed with the
// cookie's top 16 bits, then the address XOR'ed with the cookie (IPv4) or with the cookie and
// the transaction id (IPv6).
constexpr std::uint8_t kFamilyIpv4 = 0x01;
constexpr std::uint8_t kFamilyIpv6 = 0x02;
constexpr std::size_t kXorAddressIpv4Length = 8;
constexpr std::size_t kXorAddressIpv6Length = 20;

// RFC 8489 §14.8: ERROR-CODE's class (hundreds) is 3 to 6 and its number (units) 0 to 99.
constexpr std::uint8_t kErrorClassMin = 3;
constexpr std::uint8_t kErrorClassMax = 6;
constexpr std::uint8_t kErrorNumberMax = 99;

constexpr std::size_t paddedLength(std::size_t length) noexcept {
  return (length + 3) & ~std::size_t{3};
}

StunParseResult reject(StunRejectReason reason) noexcept {
  return StunParseResult{std::nullopt, reason};
}

}  // namespace

std::string_view toString(StunRejectReason reason) noexcept {
  switch (reason) {
    case StunRejectReason::kNone:
      return "none";
    case StunRejectReason::kTooShort:
      return "too_short";
    case StunRejectReason::kNotStun:
      return "not_stun";
    case StunRejectReason::kBadMagicCookie:
      return "bad_magic_cookie";
    case StunRejectReason::kBadLength:
      return "bad_length";
    case StunRejectReason::kLengthMismatch:
      return "length_mismatch";
    case StunRejectReason::kAttributeOverrun:
      return "attribute_overrun";
    case StunRejectReason::kMalformedAttribute:
      return "malformed_attribute";
    case StunRejectReason::kAttributeAfterFingerprint:
      return "attribute_after_fingerprint";
  }
  return "unknown";
}

std::uint16_t StunAttributeTypeList::operator[](std::size_t index) const noexcept {
  return loadBe16(value_, index * 2);
}

StunParseResult StunMessage::parse(std::span<const std::uint8_t> datagram) noexcept {
  if (datagram.size() < kStunHeaderSize) {
    return reject(StunRejectReason::kTooShort);
  }
  if ((datagram[0] & kNotStunBits) != 0) {
    return reject(StunRejectReason::kNotStun);
  }
  if (loadBe32(datagram, 4) != kStunMagicCookie) {
    return reject(StunRejectReason::kBadMagicCookie);
  }
  const std::size_t length = loadBe16(datagram, 2);
  if (length % 4 != 0) {
    return reject(StunRejectReason::kBadLength);
  }
  if (kStunHeaderSize + length != datagram.size()) {
    return reject(StunRejectReason::kLengthMismatch);
  }

  StunMessage message(datagram);
  // Both the offset and the size are multiples of 4 here, so an attribute header always fits.
  std::size_t at = kStunHeaderSize;
  while (at < datagram.size()) {
    if (message.fingerprint_ != 0) {
      return reject(StunRejectReason::kAttributeAfterFingerprint);
    }
    const std::uint16_t type = loadBe16(datagram, at);
    const std::uint16_t valueLength = loadBe16(datagram, at + 2);
    const std::size_t valueOffset = at + kStunAttributeHeaderSize;
    if (paddedLength(valueLength) > datagram.size() - valueOffset) {
      return reject(StunRejectReason::kAttributeOverrun);
    }
    if (!message.record(type, static_cast<std::uint32_t>(valueOffset), valueLength)) {
      return reject(StunRejectReason::kMalformedAttribute);
    }
    at = valueOffset + paddedLength(valueLength);
  }
  return StunParseResult{message, StunRejectReason::kNone};
}

bool StunMessage::record(std::uint16_t type, std::uint32_t valueOffset,
                         std::uint16_t length) noexcept {
  const std::uint32_t headerOffset = valueOffset - kStunAttributeHeaderSize;
  const Slot slot{valueOffset, length};
  // RFC 8489 §14.5: everything after MESSAGE-INTEGRITY but FINGERPRINT is ignored, unknown
  // comprehension-required attributes included; it is still framed, so it was bounds-checked.
  if (messageIntegrity_ != 0 &&
      type != static_cast<std::uint16_t>(StunAttributeType::kFingerprint)) {
    return true;
  }
  // RFC 8489 §14: of a repeated attribute only the first is processed.
  const auto recordOnce = [&slot](Slot& into, bool wellFormed) {
    if (into.offset == 0) {
      into = slot;
    }
    return wellFormed;
  };
  switch (static_cast<StunAttributeType>(type)) {
    case StunAttributeType::kFingerprint:
      fingerprint_ = headerOffset;
      return length == kStunFingerprintSize;
    case StunAttributeType::kUsername:
      return recordOnce(username_, true);
    case StunAttributeType::kSoftware:
      return recordOnce(software_, true);
    case StunAttributeType::kPriority:
      return recordOnce(priority_, length == kPriorityLength);
    case StunAttributeType::kIceControlling:
      return recordOnce(iceControlling_, length == kTieBreakerLength);
    case StunAttributeType::kIceControlled:
      return recordOnce(iceControlled_, length == kTieBreakerLength);
    case StunAttributeType::kUseCandidate:
      useCandidate_ = true;
      return length == 0;
    case StunAttributeType::kMessageIntegrity:
      messageIntegrity_ = headerOffset;
      return length == kStunMessageIntegritySize;
    case StunAttributeType::kUnknownAttributes:
      return recordOnce(unknownAttributes_, length % 2 == 0);
    case StunAttributeType::kXorMappedAddress: {
      if (length < 2) {
        return false;
      }
      const std::uint8_t family = bytes_[valueOffset + 1];
      return recordOnce(xorMappedAddress_,
                        (family == kFamilyIpv4 && length == kXorAddressIpv4Length) ||
                            (family == kFamilyIpv6 && length == kXorAddressIpv6Length));
    }
    case StunAttributeType::kErrorCode: {
      if (length < kErrorCodeHeaderLength) {
        return false;
      }
      const std::uint8_t errorClass = bytes_[valueOffset + 2] & 0x07;
      const std::uint8_t number = bytes_[valueOffset + 3];
      return recordOnce(errorCode_, errorClass >= kErrorClassMin && errorClass <= kErrorClassMax &&
                                        number <= kErrorNumberMax);
    }
    case StunAttributeType::kGoogNetworkInfo:
      return true;  // comprehension-optional, and nothing ICE needs
  }
  if (isComprehensionRequired(type)) {
    rememberUnknownRequired(type);
  }
  return true;
}

void StunMessage::rememberUnknownRequired(std::uint16_t type) noexcept {
  const auto known = unknownRequiredAttributes();
  if (unknownRequiredCount_ == kMaxUnknownRequired ||
      std::find(known.begin(), known.end(), type) != known.end()) {
    return;
  }
  unknownRequired_[unknownRequiredCount_++] = type;
}

StunClass StunMessage::messageClass() const noexcept {
  return stunClassOf(loadBe16(bytes_, 0));
}

StunMethod StunMessage::method() const noexcept {
  return stunMethodOf(loadBe16(bytes_, 0));
}

std::span<const std::uint8_t, kStunTransactionIdSize> StunMessage::transactionId() const noexcept {
  return bytes_.subspan<8, kStunTransactionIdSize>();
}

std::string_view StunMessage::stringAt(Slot slot) const noexcept {
  return {reinterpret_cast<const char*>(bytes_.data() + slot.offset), slot.length};
}

std::optional<std::string_view> StunMessage::username() const noexcept {
  if (username_.offset == 0) {
    return std::nullopt;
  }
  return stringAt(username_);
}

std::optional<std::string_view> StunMessage::software() const noexcept {
  if (software_.offset == 0) {
    return std::nullopt;
  }
  return stringAt(software_);
}

std::optional<std::uint32_t> StunMessage::priority() const noexcept {
  if (priority_.offset == 0) {
    return std::nullopt;
  }
  return loadBe32(bytes_, priority_.offset);
}

std::optional<std::uint64_t> StunMessage::iceControlling() const noexcept {
  if (iceControlling_.offset == 0) {
    return std::nullopt;
  }
  return loadBe64(bytes_, iceControlling_.offset);
}

std::optional<std::uint64_t> StunMessage::iceControlled() const noexcept {
  if (iceControlled_.offset == 0) {
    return std::nullopt;
  }
  return loadBe64(bytes_, iceControlled_.offset);
}

std::optional<SocketAddress> StunMessage::xorMappedAddress() const noexcept {
  if (xorMappedAddress_.offset == 0) {
    return std::nullopt;
  }
  const std::size_t at = xorMappedAddress_.offset;
  SocketAddress address;
  address.port = static_cast<std::uint16_t>(loadBe16(bytes_, at + 2) ^ (kStunMagicCookie >> 16));
  // The XOR pad is the cookie followed by the transaction id: header bytes 4 to 19.
  const std::size_t size = bytes_[at + 1] == kFamilyIpv4 ? 4 : 16;
  address.family = size == 4 ? SocketAddress::Family::kIpv4 : SocketAddress::Family::kIpv6;
  for (std::size_t i = 0; i < size; ++i) {
    address.address[i] = bytes_[at + 4 + i] ^ bytes_[4 + i];
  }
  return address;
}

std::optional<StunErrorCode> StunMessage::errorCode() const noexcept {
  if (errorCode_.offset == 0) {
    return std::nullopt;
  }
  const std::size_t at = errorCode_.offset;
  const auto code = static_cast<std::uint16_t>((bytes_[at + 2] & 0x07) * 100 + bytes_[at + 3]);
  const Slot reason{errorCode_.offset + static_cast<std::uint32_t>(kErrorCodeHeaderLength),
                    static_cast<std::uint16_t>(errorCode_.length - kErrorCodeHeaderLength)};
  return StunErrorCode{code, stringAt(reason)};
}

StunAttributeTypeList StunMessage::unknownAttributes() const noexcept {
  if (unknownAttributes_.offset == 0) {
    return {};
  }
  return StunAttributeTypeList(
      bytes_.subspan(unknownAttributes_.offset, unknownAttributes_.length));
}

std::optional<std::size_t> StunMessage::messageIntegrityOffset() const noexcept {
  if (messageIntegrity_ == 0) {
    return std::nullopt;
  }
  return messageIntegrity_;
}

bool StunMessage::verifyFingerprint() const noexcept {
  if (fingerprint_ == 0) {
    return false;
  }
  // RFC 8489 §14.7: the CRC covers the message up to FINGERPRINT, with the length field already
  // counting FINGERPRINT; it is the last attribute, so that is the length as received. zlib's
  // crc32 is the CRC-32 of ISO/HDLC that RFC 8489 names, and allocates nothing.
  const auto crc = static_cast<std::uint32_t>(crc32_z(0, bytes_.data(), fingerprint_));
  return (crc ^ kStunFingerprintXor) == loadBe32(bytes_, fingerprint_ + kStunAttributeHeaderSize);
}

bool StunMessage::verifyIntegrity(const StunIntegrityKey& key) const noexcept {
  if (messageIntegrity_ == 0) {
    return false;
  }
  // RFC 8489 §14.5: the HMAC covers the message up to MESSAGE-INTEGRITY, with the header's
  // length counting up to the end of MESSAGE-INTEGRITY, as if nothing followed it.
  std::array<std::uint8_t, kStunHeaderSize> header{};
  std::copy_n(bytes_.begin(), kStunHeaderSize, header.begin());
  const std::size_t integrityEnd =
      messageIntegrity_ + kStunAttributeHeaderSize + kStunMessageIntegritySize;
  storeBe16(header, 2, static_cast<std::uint16_t>(integrityEnd - kStunHeaderSize));
  const StunIntegrityDigest digest =
      key.hmac({header, bytes_.subspan(kStunHeaderSize, messageIntegrity_ - kStunHeaderSize)});
  // Constant time, so timing does not reveal how many leading bytes of a forgery were right.
  return CRYPTO_memcmp(digest.data(), bytes_.data() + messageIntegrity_ + kStunAttributeHeaderSize,
                       digest.size()) == 0;
}

bool StunMessage::verifyIntegrity(std::span<const std::uint8_t> key) const noexcept {
  return verifyIntegrity(StunIntegrityKey(key));
}

}  // namespace chorus::media
