#include "media/wire/RtpPacketView.h"

#include <algorithm>

#include "media/wire/ByteOrder.h"

namespace chorus::media {
namespace {

constexpr std::uint8_t kRtpVersion = 2;
constexpr std::uint8_t kPaddingBit = 0x20;
constexpr std::uint8_t kExtensionBit = 0x10;
constexpr std::size_t kCsrcSize = 4;
constexpr std::size_t kExtensionHeaderSize = 4;
constexpr std::size_t kWordSize = 4;

// RFC 8285 §4.2: the one-byte form's profile value; §4.3: the two-byte form's is 0x100 followed
// by four application bits.
constexpr std::uint16_t kOneByteProfile = 0xbede;
constexpr std::uint16_t kTwoByteProfileMask = 0xfff0;
constexpr std::uint16_t kTwoByteProfile = 0x1000;

// RFC 8285 §4.2: id 15 is reserved; meeting it ends the processing of the whole extension.
constexpr std::uint8_t kOneByteTerminatorId = 15;
constexpr std::uint8_t kOneByteMaxId = 14;

// RFC 8285 §4.1.1: a byte of 0 between (or after) elements is padding, in both forms.
constexpr std::uint8_t kPaddingByte = 0;

struct ElementHeader {
  std::uint8_t id;
  std::size_t headerSize;
  std::size_t valueSize;
};

// Decodes the element starting at `offset`, which is not a padding byte. For the two-byte form
// the caller has made sure the length byte is there.
//   one-byte (§4.2):  | ID(4) | L(4) | L+1 bytes of value
//   two-byte (§4.3):  | ID(8) | L(8) | L bytes of value
ElementHeader decodeElement(std::span<const std::uint8_t> elements, std::size_t offset,
                            RtpExtensionFormat format) noexcept {
  const std::uint8_t first = elements[offset];
  if (format == RtpExtensionFormat::kOneByte) {
    return {static_cast<std::uint8_t>(first >> 4), 1, std::size_t{first & 0x0fU} + 1};
  }
  return {first, 2, elements[offset + 1]};
}

// How much of the extension data holds well-formed elements: all of it, or up to a one-byte id
// 15 terminator. Nothing if an element runs past the block, or a one-byte header has id 0 but
// a non-zero length (neither padding nor an element).
std::optional<std::size_t> elementsSize(std::span<const std::uint8_t> data,
                                        RtpExtensionFormat format) noexcept {
  std::size_t offset = 0;
  while (offset < data.size()) {
    const std::uint8_t first = data[offset];
    if (first == kPaddingByte) {
      ++offset;
      continue;
    }
    if (format == RtpExtensionFormat::kOneByte) {
      const auto id = static_cast<std::uint8_t>(first >> 4);
      if (id == kOneByteTerminatorId) {
        return offset;
      }
      if (id == 0) {
        return std::nullopt;
      }
    } else if (data.size() - offset < 2) {
      return std::nullopt;
    }
    const ElementHeader element = decodeElement(data, offset, format);
    if (element.headerSize + element.valueSize > data.size() - offset) {
      return std::nullopt;
    }
    offset += element.headerSize + element.valueSize;
  }
  return data.size();
}

RtpExtensionFormat formatOf(std::uint16_t profile) noexcept {
  if (profile == kOneByteProfile) {
    return RtpExtensionFormat::kOneByte;
  }
  if ((profile & kTwoByteProfileMask) == kTwoByteProfile) {
    return RtpExtensionFormat::kTwoByte;
  }
  return RtpExtensionFormat::kOther;
}

}  // namespace

std::optional<RtpPacketView> RtpPacketView::parse(std::span<std::uint8_t> packet) noexcept {
  if (packet.size() < kFixedHeaderSize || (packet[0] >> 6) != kRtpVersion) {
    return std::nullopt;
  }
  std::size_t headerSize = kFixedHeaderSize + kCsrcSize * (packet[0] & 0x0fU);
  if (headerSize > packet.size()) {
    return std::nullopt;
  }
  RtpExtensionFormat format = RtpExtensionFormat::kNone;
  std::span<std::uint8_t> elements;
  if ((packet[0] & kExtensionBit) != 0) {
    // RFC 3550 §5.3.1: a 4-byte header, then `length` 32-bit words of extension data.
    if (packet.size() - headerSize < kExtensionHeaderSize) {
      return std::nullopt;
    }
    const std::size_t dataOffset = headerSize + kExtensionHeaderSize;
    const std::size_t dataSize = kWordSize * loadBe16(packet, headerSize + 2);
    if (dataSize > packet.size() - dataOffset) {
      return std::nullopt;
    }
    format = formatOf(loadBe16(packet, headerSize));
    if (format != RtpExtensionFormat::kOther) {
      const auto data = packet.subspan(dataOffset, dataSize);
      const auto size = elementsSize(data, format);
      if (!size) {
        return std::nullopt;
      }
      elements = data.first(*size);
    }
    headerSize = dataOffset + dataSize;
  }
  std::size_t paddingSize = 0;
  if ((packet[0] & kPaddingBit) != 0) {
    // RFC 3550 §5.1: the last byte counts the padding, itself included.
    paddingSize = packet.back();
    if (paddingSize == 0 || paddingSize > packet.size() - headerSize) {
      return std::nullopt;
    }
  }
  return RtpPacketView(packet, headerSize, paddingSize, format, elements);
}

std::uint16_t RtpPacketView::sequenceNumber() const noexcept {
  return loadBe16(packet_, 2);
}

std::uint32_t RtpPacketView::timestamp() const noexcept {
  return loadBe32(packet_, 4);
}

std::uint32_t RtpPacketView::ssrc() const noexcept {
  return loadBe32(packet_, 8);
}

std::uint32_t RtpPacketView::csrc(std::size_t index) const noexcept {
  return loadBe32(packet_, kFixedHeaderSize + kCsrcSize * index);
}

std::uint16_t RtpPacketView::extensionProfile() const noexcept {
  if (extensionFormat_ == RtpExtensionFormat::kNone) {
    return 0;
  }
  return loadBe16(packet_, kFixedHeaderSize + kCsrcSize * csrcCount());
}

std::optional<RtpExtension> RtpPacketView::ExtensionCursor::next() noexcept {
  while (offset_ < elements_.size()) {
    if (elements_[offset_] == kPaddingByte) {
      ++offset_;
      continue;
    }
    const ElementHeader element = decodeElement(elements_, offset_, format_);
    const RtpExtension extension{
        element.id, elements_.subspan(offset_ + element.headerSize, element.valueSize)};
    offset_ += element.headerSize + element.valueSize;
    return extension;
  }
  return std::nullopt;
}

RtpPacketView::ExtensionCursor RtpPacketView::extensions() const noexcept {
  return {extensionElements_, extensionFormat_};
}

std::optional<RtpExtension> RtpPacketView::findExtension(std::uint8_t id) const noexcept {
  for (auto cursor = extensions(); auto extension = cursor.next();) {
    if (extension->id == id) {
      return extension;
    }
  }
  return std::nullopt;
}

std::size_t RtpPacketView::remapExtensionIds(const std::array<std::uint8_t, 256>& map) noexcept {
  std::size_t erased = 0;
  std::size_t offset = 0;
  while (offset < extensionElements_.size()) {
    if (extensionElements_[offset] == kPaddingByte) {
      ++offset;
      continue;
    }
    const ElementHeader element = decodeElement(extensionElements_, offset, extensionFormat_);
    const std::size_t elementSize = element.headerSize + element.valueSize;
    const std::uint8_t newId = map[element.id];
    const bool oneByte = extensionFormat_ == RtpExtensionFormat::kOneByte;
    if (newId == 0 || (oneByte && newId > kOneByteMaxId)) {
      const auto bytes = extensionElements_.subspan(offset, elementSize);
      std::fill(bytes.begin(), bytes.end(), kPaddingByte);
      ++erased;
    } else if (oneByte) {
      extensionElements_[offset] =
          static_cast<std::uint8_t>((newId << 4) | (extensionElements_[offset] & 0x0fU));
    } else {
      extensionElements_[offset] = newId;
    }
    offset += elementSize;
  }
  return erased;
}

std::span<std::uint8_t> RtpPacketView::payload() const noexcept {
  return packet_.subspan(headerSize_, packet_.size() - headerSize_ - paddingSize_);
}

void RtpPacketView::setMarker(bool marker) noexcept {
  packet_[1] = static_cast<std::uint8_t>((packet_[1] & 0x7fU) | (marker ? 0x80U : 0U));
}

void RtpPacketView::setPayloadType(std::uint8_t payloadType) noexcept {
  packet_[1] = static_cast<std::uint8_t>((packet_[1] & 0x80U) | (payloadType & 0x7fU));
}

void RtpPacketView::setSequenceNumber(std::uint16_t sequenceNumber) noexcept {
  storeBe16(packet_, 2, sequenceNumber);
}

void RtpPacketView::setTimestamp(std::uint32_t timestamp) noexcept {
  storeBe32(packet_, 4, timestamp);
}

void RtpPacketView::setSsrc(std::uint32_t ssrc) noexcept {
  storeBe32(packet_, 8, ssrc);
}

}  // namespace chorus::media
