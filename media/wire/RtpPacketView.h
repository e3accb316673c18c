#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace chorus::media {

// How a packet's header extension block is laid out (RFC 8285 §4.1.2).
enum class RtpExtensionFormat : std::uint8_t {
  kNone,     // X bit clear
  kOneByte,  // profile 0xBEDE (RFC 8285 §4.2): ids 1-14, values of 1-16 bytes
  kTwoByte,  // profile 0x100x (RFC 8285 §4.3): ids 1-255, values of 0-255 bytes
  kOther,    // a profile-specific RFC 3550 §5.3.1 extension: opaque to us
};

// One header extension element (RFC 8285 §4.2/§4.3): its local id and its value, writable so an
// SFU can rewrite e.g. the transport-wide sequence number in place.
struct RtpExtension {
  std::uint8_t id = 0;
  std::span<std::uint8_t> value;
};

// A checked, zero-copy view of one RTP packet (RFC 3550 §5.1) over a mutable buffer:
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P|X|  CC   |M|     PT      |       sequence number         |
//   |                           timestamp                           |
//   |                             SSRC                              |
//   |                        CSRC list (CC x 32 bits)               |
//   |   extension profile (X=1)     |   extension length (words)    |
//   |                 extension data (length x 32 bits)             |
//   |                            payload ...                        |
//   |                               |  padding  ...   | pad count   |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// parse() checks every length once, including every RFC 8285 extension element, so the
// accessors and rewriters never check again. The view does not own the bytes; it must not
// outlive the buffer. Setters rewrite only the bytes of their field.
class RtpPacketView {
 public:
  static constexpr std::size_t kFixedHeaderSize = 12;

  // A view of `packet`, or nothing if it is not a well-formed RTP packet: shorter than the fixed
  // header, version other than 2, a CSRC list or extension block running past the end, a padding
  // count of zero or longer than what follows the header, or (for one- and two-byte extension
  // profiles) an extension element running past its block. NOTE: a packet with malformed
  // extension elements is rejected rather than forwarded because we could not remap its ids
  // for subscribers, who would then read them under their own mapping.
  static std::optional<RtpPacketView> parse(std::span<std::uint8_t> packet) noexcept;

  bool hasPadding() const noexcept { return (packet_[0] & 0x20) != 0; }
  bool marker() const noexcept { return (packet_[1] & 0x80) != 0; }
  std::uint8_t payloadType() const noexcept { return packet_[1] & 0x7f; }
  std::uint16_t sequenceNumber() const noexcept;
  std::uint32_t timestamp() const noexcept;
  std::uint32_t ssrc() const noexcept;
  std::size_t csrcCount() const noexcept { return packet_[0] & 0x0fU; }
  // Precondition: index < csrcCount().
  std::uint32_t csrc(std::size_t index) const noexcept;

  RtpExtensionFormat extensionFormat() const noexcept { return extensionFormat_; }
  // The 16-bit "defined by profile" field; 0 when there is no extension block.
  std::uint16_t extensionProfile() const noexcept;
  // The element with local id `id`, if present (the first one, should a sender repeat an id).
  // Always empty for kNone and kOther formats.
  std::optional<RtpExtension> findExtension(std::uint8_t id) const noexcept;

  // Walks the extension elements in packet order, skipping padding. Usage:
  //   for (auto it = view.extensions(); auto element = it.next();) { ... }
  class ExtensionCursor {
   public:
    std::optional<RtpExtension> next() noexcept;

   private:
    friend class RtpPacketView;
    ExtensionCursor(std::span<std::uint8_t> elements, RtpExtensionFormat format) noexcept
        : elements_(elements), format_(format) {}
    std::span<std::uint8_t> elements_;
    RtpExtensionFormat format_;
    std::size_t offset_ = 0;
  };
  ExtensionCursor extensions() const noexcept;

  // Rewrites every element's id to map[id], in place. An element whose new id is 0, or is not
  // representable in the packet's format (above 14 in the one-byte form), is erased: all its
  // bytes become zero padding (RFC 8285 §4.1.1 lets receivers skip padding between elements), so
  // the packet keeps its size. Padding bytes and the bytes after a one-byte id 15 terminator are
  // left as they are. Returns how many elements were erased. Use a separate copy of the packet
  // per subscriber: this rewrites the buffer.
  std::size_t remapExtensionIds(const std::array<std::uint8_t, 256>& map) noexcept;

  std::span<std::uint8_t> payload() const noexcept;
  std::size_t paddingSize() const noexcept { return paddingSize_; }
  // Fixed header, CSRC list and extension block.
  std::size_t headerSize() const noexcept { return headerSize_; }
  std::span<std::uint8_t> bytes() const noexcept { return packet_; }

  void setMarker(bool marker) noexcept;
  // Precondition: payloadType < 128.
  void setPayloadType(std::uint8_t payloadType) noexcept;
  void setSequenceNumber(std::uint16_t sequenceNumber) noexcept;
  void setTimestamp(std::uint32_t timestamp) noexcept;
  void setSsrc(std::uint32_t ssrc) noexcept;

 private:
  RtpPacketView(std::span<std::uint8_t> packet, std::size_t headerSize, std::size_t paddingSize,
                RtpExtensionFormat format, std::span<std::uint8_t> extensionElements) noexcept
      : packet_(packet),
        headerSize_(headerSize),
        paddingSize_(paddingSize),
        extensionFormat_(format),
        extensionElements_(extensionElements) {}

  std::span<std::uint8_t> packet_;
  std::size_t headerSize_;
  std::size_t paddingSize_;
  RtpExtensionFormat extensionFormat_;
  // The extension data up to its end or a one-byte id 15 terminator: every element in it fits.
  std::span<std::uint8_t> extensionElements_;
};

}  // namespace chorus::media
