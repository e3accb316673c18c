#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "media/wire/RtcpHeader.h"
#include "media/wire/RtcpReportBlock.h"

namespace chorus::media {

// A receiver report, PT=201 (RFC 3550 §6.4.2):
//
//   |V=2|P|    RC   |   PT=RR=201   |             length            |
//   |                     SSRC of packet sender                     |
//   |                 report block 1 .. RC (24 bytes each)          |
//   |                  profile-specific extensions                  |
class RtcpReceiverReport {
 public:
  // Nothing unless `header` is an RR whose body holds the sender SSRC and RC report blocks.
  // Profile-specific extensions after the blocks are allowed and ignored.
  static std::optional<RtcpReceiverReport> parse(const RtcpHeader& header) noexcept;

  // Writes an RR at the start of `out`; its size, or nothing if it does not fit or there are
  // more than 31 blocks. An RR with no blocks is what a receiver sends before it has received
  // anything (RFC 3550 §6.4.2).
  static std::optional<std::size_t> build(std::span<std::uint8_t> out, std::uint32_t senderSsrc,
                                          std::span<const RtcpReportBlock> blocks) noexcept;

  std::uint32_t senderSsrc() const noexcept;
  std::size_t reportBlockCount() const noexcept { return reportBlockCount_; }
  // Precondition: index < reportBlockCount().
  RtcpReportBlock reportBlock(std::size_t index) const noexcept;

 private:
  RtcpReceiverReport(std::span<const std::uint8_t> body, std::size_t reportBlockCount) noexcept
      : body_(body), reportBlockCount_(reportBlockCount) {}

  std::span<const std::uint8_t> body_;
  std::size_t reportBlockCount_;
};

}  // namespace chorus::media
