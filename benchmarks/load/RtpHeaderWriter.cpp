#include "benchmarks/load/RtpHeaderWriter.h"

#include "benchmarks/load/BrowserSdp.h"
#include "media/wire/ByteOrder.h"

namespace chorus::bench {
namespace {

constexpr std::uint32_t kAbsSendTimeMask = 0xFF'FFFF;
constexpr int kAbsSendTimeFractionBits = 18;
constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

// One element of a one-byte extension block: ID (4 bits), L = length - 1 (4 bits), value.
std::size_t element(std::span<std::uint8_t> packet, std::size_t at, std::uint8_t id,
                    std::size_t length) noexcept {
  packet[at] = static_cast<std::uint8_t>((id << 4U) | ((length - 1) & 0x0FU));
  return at + 1;
}

}  // namespace

std::size_t RtpHeaderWriter::write(std::span<std::uint8_t> packet,
                                   const RtpHeaderFields& fields) noexcept {
  constexpr std::uint8_t kVersion2WithExtension = 0x90;  // V=2, P=0, X=1, CC=0
  packet[0] = kVersion2WithExtension;
  packet[1] = static_cast<std::uint8_t>((fields.marker ? 0x80U : 0U) | fields.payloadType);
  media::storeBe16(packet, 2, fields.sequenceNumber);
  media::storeBe32(packet, 4, fields.timestamp);
  media::storeBe32(packet, 8, fields.ssrc);
  constexpr std::uint16_t kOneByteProfile = 0xBEDE;
  media::storeBe16(packet, 12, kOneByteProfile);
  constexpr std::size_t kElementsStart = 16;
  std::size_t at = element(packet, kElementsStart, extension::kAbsSendTime, 3);
  media::storeBe24(packet, at, absSendTime(fields.sendTime));
  at = element(packet, at + 3, extension::kTransportCc, 2);
  media::storeBe16(packet, at, fields.transportSequence);
  at += 2;
  if (fields.audioLevel) {
    at = element(packet, at, extension::kAudioLevel, 1);
    packet[at++] = static_cast<std::uint8_t>(0x80U | (*fields.audioLevel & 0x7FU));
  }
  if (!fields.mid.empty()) {
    at = element(packet, at, extension::kMid, fields.mid.size());
    for (const char c : fields.mid) {
      packet[at++] = static_cast<std::uint8_t>(c);
    }
  }
  // RFC 8285 §4.2: the block is padded with zero bytes to a whole number of 32-bit words.
  while ((at - kElementsStart) % 4 != 0) {
    packet[at++] = 0;
  }
  media::storeBe16(packet, 14, static_cast<std::uint16_t>((at - kElementsStart) / 4));
  return at;
}

std::uint32_t RtpHeaderWriter::absSendTime(std::chrono::nanoseconds time) noexcept {
  const std::int64_t ns = time.count();
  const auto seconds = static_cast<std::uint64_t>(ns / kNanosPerSecond);
  const auto fraction = static_cast<std::uint64_t>(ns % kNanosPerSecond);
  const std::uint64_t value = (seconds << kAbsSendTimeFractionBits) |
                              ((fraction << kAbsSendTimeFractionBits) / kNanosPerSecond);
  return static_cast<std::uint32_t>(value & kAbsSendTimeMask);
}

std::chrono::nanoseconds RtpHeaderWriter::delaySince(std::uint32_t sent,
                                                     std::chrono::nanoseconds now) noexcept {
  const std::uint32_t elapsed = (absSendTime(now) - sent) & kAbsSendTimeMask;
  return std::chrono::nanoseconds((std::int64_t{elapsed} * kNanosPerSecond) >>
                                  kAbsSendTimeFractionBits);
}

}  // namespace chorus::bench
