#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>

#include "media/wire/RtcpHeader.h"

namespace chorus::media {

// A checked view of an RTCP datagram: one or more RTCP packets back to back (RFC 3550 §6.1).
//
// parse() accepts a datagram only if every packet has version 2, a length that stays inside the
// datagram, a valid padding count when its P bit is set, and the packets exactly fill the
// datagram. Iterating then yields each packet's RtcpHeader without further checks:
//
//   for (const RtcpHeader& packet : *compound) { ... RtcpNack::parse(packet) ... }
//
// NOTE: RFC 3550 §6.1 wants a compound packet to start with an SR or RR; RFC 5506 (reduced-size
// RTCP, which browsers negotiate with a=rtcp-rsize) allows a datagram of feedback packets alone.
// This view accepts any first packet type, so both forms parse; which packets a session accepts
// is the session's decision. It also accepts padding on packets other than the last: RFC 3550
// §6.4.1 allows it only on the last, but libwebrtc pads every transport-cc feedback packet and
// may send several in one datagram.
class RtcpCompoundView {
 public:
  static std::optional<RtcpCompoundView> parse(std::span<const std::uint8_t> datagram) noexcept;

  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = RtcpHeader;
    using difference_type = std::ptrdiff_t;
    using pointer = const RtcpHeader*;
    using reference = RtcpHeader;

    Iterator() = default;
    RtcpHeader operator*() const noexcept;
    Iterator& operator++() noexcept;
    // NOLINTNEXTLINE(cert-dcl21-cpp): iterators return their old value by value, as std ones do
    Iterator operator++(int) noexcept {
      Iterator before = *this;
      ++*this;
      return before;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) noexcept {
      return a.offset_ == b.offset_;
    }

   private:
    friend class RtcpCompoundView;
    Iterator(std::span<const std::uint8_t> datagram, std::size_t offset) noexcept
        : datagram_(datagram), offset_(offset) {}
    std::span<const std::uint8_t> datagram_;
    std::size_t offset_ = 0;
  };

  Iterator begin() const noexcept { return {datagram_, 0}; }
  Iterator end() const noexcept { return {datagram_, datagram_.size()}; }
  std::size_t packetCount() const noexcept { return packetCount_; }
  std::span<const std::uint8_t> bytes() const noexcept { return datagram_; }

 private:
  RtcpCompoundView(std::span<const std::uint8_t> datagram, std::size_t packetCount) noexcept
      : datagram_(datagram), packetCount_(packetCount) {}

  std::span<const std::uint8_t> datagram_;
  std::size_t packetCount_;
};

}  // namespace chorus::media
