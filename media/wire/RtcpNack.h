#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "media/wire/RtcpHeader.h"

namespace chorus::media {

// One generic NACK item (RFC 4585 §6.2.1): packet `packetId` is lost, and so is packet
// packetId + i + 1 for every bit i (least significant first) set in `lostBitmask` (BLP).
struct RtcpNackItem {
  std::uint16_t packetId = 0;
  std::uint16_t lostBitmask = 0;

  friend bool operator==(const RtcpNackItem&, const RtcpNackItem&) = default;
};

// A generic NACK, RTPFB (PT=205) with FMT=1 (RFC 4585 §6.2.1):
//
//   |V=2|P| FMT=1   |   PT=205      |          length               |
//   |                  SSRC of packet sender                        |
//   |                  SSRC of media source                         |
//   |            PID                |             BLP               |  one or more
class RtcpNack {
 public:
  static constexpr std::uint8_t kFormat = 1;
  static constexpr std::size_t kItemSize = 4;

  // Nothing unless `header` is a generic NACK with at least one whole item (RFC 4585 §6.2.1:
  // "MUST contain at least one").
  static std::optional<RtcpNack> parse(const RtcpHeader& header) noexcept;

  // Writes a NACK of `items` at the start of `out`; its size, or nothing if it does not fit or
  // `items` is empty.
  static std::optional<std::size_t> build(std::span<std::uint8_t> out, std::uint32_t senderSsrc,
                                          std::uint32_t mediaSsrc,
                                          std::span<const RtcpNackItem> items) noexcept;

  // Writes a NACK for the sequence numbers in `lost`, packing each run that falls within 16 of
  // an item's PID into that item's BLP. Any order is reported correctly; ascending order (modulo
  // 2^16) gives the fewest items.
  static std::optional<std::size_t> buildFromLost(std::span<std::uint8_t> out,
                                                  std::uint32_t senderSsrc, std::uint32_t mediaSsrc,
                                                  std::span<const std::uint16_t> lost) noexcept;

  std::uint32_t senderSsrc() const noexcept;
  std::uint32_t mediaSsrc() const noexcept;
  std::size_t itemCount() const noexcept { return itemCount_; }
  // Precondition: index < itemCount().
  RtcpNackItem item(std::size_t index) const noexcept;

 private:
  RtcpNack(std::span<const std::uint8_t> body, std::size_t itemCount) noexcept
      : body_(body), itemCount_(itemCount) {}

  std::span<const std::uint8_t> body_;
  std::size_t itemCount_;
};

}  // namespace chorus::media
