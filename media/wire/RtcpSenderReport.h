#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "media/wire/RtcpHeader.h"
#include "media/wire/RtcpReportBlock.h"

namespace chorus::media {

// The sender information of an SR (RFC 3550 §6.4.1).
struct RtcpSenderInfo {
  std::uint32_t ssrc = 0;
  std::uint64_t ntpTimestamp = 0;  // 32.32 fixed point seconds since 1900
  std::uint32_t rtpTimestamp = 0;
  std::uint32_t packetCount = 0;
  std::uint32_t octetCount = 0;

  friend bool operator==(const RtcpSenderInfo&, const RtcpSenderInfo&) = default;
};

// A sender report, PT=200 (RFC 3550 §6.4.1):
//
//   |V=2|P|    RC   |   PT=SR=200   |             length            |
//   |                         SSRC of sender                        |
//   |              NTP timestamp, most significant word             |
//   |             NTP timestamp, least significant word             |
//   |                         RTP timestamp                         |
//   |                     sender's packet count                     |
//   |                      sender's octet count                     |
//   |                 report block 1 .. RC (24 bytes each)          |
//   |                  profile-specific extensions                  |
class RtcpSenderReport {
 public:
  static constexpr std::size_t kSenderInfoSize = 24;

  // Nothing unless `header` is an SR whose body holds the sender info and RC report blocks.
  // Profile-specific extensions after the blocks are allowed and ignored.
  static std::optional<RtcpSenderReport> parse(const RtcpHeader& header) noexcept;

  // Writes an SR at the start of `out`; its size, or nothing if it does not fit or there are
  // more than 31 blocks.
  static std::optional<std::size_t> build(std::span<std::uint8_t> out, const RtcpSenderInfo& info,
                                          std::span<const RtcpReportBlock> blocks) noexcept;

  RtcpSenderInfo senderInfo() const noexcept;
  std::size_t reportBlockCount() const noexcept { return reportBlockCount_; }
  // Precondition: index < reportBlockCount().
  RtcpReportBlock reportBlock(std::size_t index) const noexcept;

 private:
  RtcpSenderReport(std::span<const std::uint8_t> body, std::size_t reportBlockCount) noexcept
      : body_(body), reportBlockCount_(reportBlockCount) {}

  std::span<const std::uint8_t> body_;
  std::size_t reportBlockCount_;
};

}  // namespace chorus::media
