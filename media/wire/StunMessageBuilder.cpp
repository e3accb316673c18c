#include "media/wire/StunMessageBuilder.h"

#include <algorithm>
#include <limits>
#include <zlib.h>

#include "media/wire/ByteOrder.h"

namespace chorus::media {
namespace {

constexpr std::size_t kMaxLength = std::numeric_limits<std::uint16_t>::max();
constexpr std::uint8_t kFamilyIpv4 = 0x01;  // RFC 8489 §14.1
constexpr std::uint8_t kFamilyIpv6 = 0x02;

constexpr std::size_t paddedLength(std::size_t length) noexcept {
  return (length + 3) & ~std::size_t{3};
}

constexpr std::uint16_t typeOf(StunAttributeType type) noexcept {
  return static_cast<std::uint16_t>(type);
}

}  // namespace

StunMessageBuilder::StunMessageBuilder(
    std::span<std::uint8_t> buffer, StunMethod method, StunClass messageClass,
    std::span<const std::uint8_t, kStunTransactionIdSize> transactionId,
    StunPadding padding) noexcept
    : buffer_(buffer), padding_(static_cast<std::uint8_t>(padding)) {
  if (buffer_.size() < kStunHeaderSize) {
    overflowed_ = true;
    return;
  }
  storeBe16(buffer_, 0, stunMessageType(method, messageClass));
  storeBe16(buffer_, 2, 0);
  storeBe32(buffer_, 4, kStunMagicCookie);
  std::copy(transactionId.begin(), transactionId.end(), buffer_.begin() + 8);
  size_ = kStunHeaderSize;
}

std::optional<std::size_t> StunMessageBuilder::beginAttribute(std::uint16_t type,
                                                              std::size_t length) noexcept {
  const std::size_t total = kStunAttributeHeaderSize + paddedLength(length);
  if (overflowed_ || length > kMaxLength || total > buffer_.size() - size_ ||
      size_ + total - kStunHeaderSize > kMaxLength) {
    overflowed_ = true;
    return std::nullopt;
  }
  storeBe16(buffer_, size_, type);
  storeBe16(buffer_, size_ + 2, static_cast<std::uint16_t>(length));
  const std::size_t valueOffset = size_ + kStunAttributeHeaderSize;
  std::fill(buffer_.begin() + static_cast<std::ptrdiff_t>(valueOffset + length),
            buffer_.begin() + static_cast<std::ptrdiff_t>(size_ + total), padding_);
  size_ += total;
  // The length always counts what is written so far, which is what MESSAGE-INTEGRITY and
  // FINGERPRINT need it to be when they are computed (RFC 8489 §14.5, §14.7).
  storeBe16(buffer_, 2, static_cast<std::uint16_t>(size_ - kStunHeaderSize));
  return valueOffset;
}

void StunMessageBuilder::addAttribute(std::uint16_t type,
                                      std::span<const std::uint8_t> value) noexcept {
  if (const auto at = beginAttribute(type, value.size())) {
    std::copy(value.begin(), value.end(), buffer_.begin() + static_cast<std::ptrdiff_t>(*at));
  }
}

void StunMessageBuilder::addString(StunAttributeType type, std::string_view value) noexcept {
  addAttribute(typeOf(type),
               std::span(reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
}

void StunMessageBuilder::addUint32(StunAttributeType type, std::uint32_t value) noexcept {
  if (const auto at = beginAttribute(typeOf(type), 4)) {
    storeBe32(buffer_, *at, value);
  }
}

void StunMessageBuilder::addUint64(StunAttributeType type, std::uint64_t value) noexcept {
  if (const auto at = beginAttribute(typeOf(type), 8)) {
    storeBe64(buffer_, *at, value);
  }
}

void StunMessageBuilder::addFlag(StunAttributeType type) noexcept {
  beginAttribute(typeOf(type), 0);
}

void StunMessageBuilder::addXorMappedAddress(const SocketAddress& address) noexcept {
  // RFC 8489 §14.2: reserved byte, family, X-Port, X-Address; the XOR pad is the header's
  // cookie and transaction id (bytes 4 to 19), already written.
  const auto ip = address.ipBytes();
  const auto at = beginAttribute(typeOf(StunAttributeType::kXorMappedAddress), 4 + ip.size());
  if (!at) {
    return;
  }
  buffer_[*at] = 0;
  buffer_[*at + 1] = address.family == SocketAddress::Family::kIpv4 ? kFamilyIpv4 : kFamilyIpv6;
  storeBe16(buffer_, *at + 2, static_cast<std::uint16_t>(address.port ^ (kStunMagicCookie >> 16)));
  for (std::size_t i = 0; i < ip.size(); ++i) {
    buffer_[*at + 4 + i] = ip[i] ^ buffer_[4 + i];
  }
}

void StunMessageBuilder::addErrorCode(std::uint16_t code, std::string_view reason) noexcept {
  // RFC 8489 §14.8: 21 reserved bits, the class (hundreds) in 3 bits, the number (units) in 8.
  const auto at = beginAttribute(typeOf(StunAttributeType::kErrorCode), 4 + reason.size());
  if (!at) {
    return;
  }
  storeBe16(buffer_, *at, 0);
  buffer_[*at + 2] = static_cast<std::uint8_t>((code / 100) & 0x07);
  buffer_[*at + 3] = static_cast<std::uint8_t>(code % 100);
  std::copy(reason.begin(), reason.end(), buffer_.begin() + static_cast<std::ptrdiff_t>(*at + 4));
}

void StunMessageBuilder::addUnknownAttributes(std::span<const std::uint16_t> types) noexcept {
  const auto at = beginAttribute(typeOf(StunAttributeType::kUnknownAttributes), 2 * types.size());
  if (!at) {
    return;
  }
  for (std::size_t i = 0; i < types.size(); ++i) {
    storeBe16(buffer_, *at + 2 * i, types[i]);
  }
}

void StunMessageBuilder::addMessageIntegrity(const StunIntegrityKey& key) noexcept {
  const auto at =
      beginAttribute(typeOf(StunAttributeType::kMessageIntegrity), kStunMessageIntegritySize);
  if (!at) {
    return;
  }
  // RFC 8489 §14.5: the HMAC covers everything before this attribute, with the length (already
  // updated) counting up to its end.
  const auto digest = key.hmac({buffer_.first(*at - kStunAttributeHeaderSize)});
  std::copy(digest.begin(), digest.end(), buffer_.begin() + static_cast<std::ptrdiff_t>(*at));
}

void StunMessageBuilder::addFingerprint() noexcept {
  const auto at = beginAttribute(typeOf(StunAttributeType::kFingerprint), kStunFingerprintSize);
  if (!at) {
    return;
  }
  // RFC 8489 §14.7: CRC-32 of everything before this attribute, length included, XOR'ed.
  const auto crc =
      static_cast<std::uint32_t>(crc32_z(0, buffer_.data(), *at - kStunAttributeHeaderSize));
  storeBe32(buffer_, *at, crc ^ kStunFingerprintXor);
}

std::optional<std::size_t> StunMessageBuilder::finish() const noexcept {
  if (overflowed_) {
    return std::nullopt;
  }
  return size_;
}

std::optional<std::size_t> StunMessageBuilder::bindingSuccessResponse(
    std::span<std::uint8_t> buffer,
    std::span<const std::uint8_t, kStunTransactionIdSize> transactionId,
    const SocketAddress& mapped, const StunIntegrityKey& key, std::string_view software,
    StunPadding padding) noexcept {
  StunMessageBuilder builder(buffer, StunMethod::kBinding, StunClass::kSuccessResponse,
                             transactionId, padding);
  if (!software.empty()) {
    builder.addString(StunAttributeType::kSoftware, software);
  }
  builder.addXorMappedAddress(mapped);
  builder.addMessageIntegrity(key);
  builder.addFingerprint();
  return builder.finish();
}

std::optional<std::size_t> StunMessageBuilder::bindingErrorResponse(
    std::span<std::uint8_t> buffer,
    std::span<const std::uint8_t, kStunTransactionIdSize> transactionId, std::uint16_t code,
    std::span<const std::uint16_t> unknownAttributes, const StunIntegrityKey* key,
    StunPadding padding) noexcept {
  StunMessageBuilder builder(buffer, StunMethod::kBinding, StunClass::kErrorResponse, transactionId,
                             padding);
  builder.addErrorCode(code, stunReasonPhraseOf(code));
  if (!unknownAttributes.empty()) {
    builder.addUnknownAttributes(unknownAttributes);
  }
  if (key != nullptr) {
    builder.addMessageIntegrity(*key);
  }
  builder.addFingerprint();
  return builder.finish();
}

std::optional<std::size_t> StunMessageBuilder::bindingRequest(
    std::span<std::uint8_t> buffer, const StunBindingRequestFields& fields,
    const StunIntegrityKey& key, StunPadding padding) noexcept {
  StunMessageBuilder builder(buffer, StunMethod::kBinding, StunClass::kRequest,
                             fields.transactionId, padding);
  if (!fields.software.empty()) {
    builder.addString(StunAttributeType::kSoftware, fields.software);
  }
  builder.addUint32(StunAttributeType::kPriority, fields.priority);
  builder.addUint64(fields.role == IceRole::kControlling ? StunAttributeType::kIceControlling
                                                         : StunAttributeType::kIceControlled,
                    fields.tieBreaker);
  if (fields.useCandidate) {
    builder.addFlag(StunAttributeType::kUseCandidate);
  }
  builder.addString(StunAttributeType::kUsername, fields.username);
  builder.addMessageIntegrity(key);
  builder.addFingerprint();
  return builder.finish();
}

}  // namespace chorus::media
