#include "media/security/SrtpContext.h"

#include <optional>

#include "media/security/SrtpKeyDerivation.h"
#include "media/wire/ByteOrder.h"

namespace chorus::media {
namespace {

constexpr std::size_t kRtpFixedHeaderBytes = 12;  // RFC 3550 §5.1
constexpr std::size_t kRtcpHeaderBytes = 8;       // RFC 3711 §3.4: header + sender SSRC
constexpr std::uint32_t kEncryptedFlag = 0x80000000U;
constexpr std::uint32_t kMaxSrtcpIndex = 0x7fffffffU;
constexpr std::uint16_t kSeqHalf = 0x8000;

// The RTP header's length with CSRCs and extension (RFC 3550 §5.1, §5.3.1), or nothing if the
// packet is shorter than its header says.
std::optional<std::size_t> rtpHeaderBytes(std::span<const std::uint8_t> packet) noexcept {
  if (packet.size() < kRtpFixedHeaderBytes) {
    return std::nullopt;
  }
  const std::size_t csrcCount = packet[0] & 0x0fU;
  std::size_t bytes = kRtpFixedHeaderBytes + 4 * csrcCount;
  if ((packet[0] & 0x10U) != 0) {
    if (packet.size() < bytes + 4) {
      return std::nullopt;
    }
    bytes += 4 + 4 * std::size_t{loadBe16(packet, bytes + 2)};
  }
  if (packet.size() < bytes) {
    return std::nullopt;
  }
  return bytes;
}

// RFC 3711 §3.3.1 and Appendix A: the 48-bit index of sequence number `seq`, taking the ROC
// that puts it nearest the highest index so far. Like libsrtp, a stream still in its first
// 32768 packets never guesses ROC - 1 (which would be negative): the first packet may start
// anywhere in the sequence space.
std::uint64_t estimateIndex(const SrtpReplayWindow& window, std::uint16_t seq) noexcept {
  if (window.empty()) {
    return seq;
  }
  const std::uint64_t roc = window.highest() >> 16;
  const auto highestSeq = static_cast<std::uint16_t>(window.highest());
  std::uint64_t guess = roc;
  if (highestSeq < kSeqHalf) {
    if (seq - highestSeq > kSeqHalf && roc > 0) {
      guess = roc - 1;
    }
  } else if (highestSeq - kSeqHalf > seq) {
    guess = roc + 1;
  }
  return (guess << 16) | seq;
}

SrtpError errorOf(SrtpReplayWindow::Verdict verdict) noexcept {
  return verdict == SrtpReplayWindow::Verdict::kReplayed ? SrtpError::kReplayed
                                                         : SrtpError::kTooOld;
}

}  // namespace

SrtpContext::SrtpContext(SrtpProfile profile, const SrtpMasterKey& masterKey,
                         std::size_t maxStreams)
    : rtp_(profile, deriveSessionKeys(profile, masterKey, SrtpKeyUse::kRtp)),
      rtcp_(profile, deriveSessionKeys(profile, masterKey, SrtpKeyUse::kRtcp)),
      streams_(maxStreams) {}

SrtpResult SrtpContext::refuse(SrtpError reason) noexcept {
  ++drops_[static_cast<std::size_t>(reason)];
  return {0, reason};
}

SrtpResult SrtpContext::protectRtp(std::span<std::uint8_t> buffer, std::size_t length) noexcept {
  if (length > buffer.size()) {
    return refuse(SrtpError::kBufferTooSmall);
  }
  const auto headerBytes = rtpHeaderBytes(buffer.first(length));
  if (!headerBytes) {
    return refuse(SrtpError::kTooShort);
  }
  if (buffer.size() - length < rtp_.rtpOverhead()) {
    return refuse(SrtpError::kBufferTooSmall);
  }
  const std::uint32_t ssrc = loadBe32(buffer, 8);
  SrtpStreamState* stream = streams_.find(ssrc);
  if (stream == nullptr && (stream = streams_.insert(ssrc)) == nullptr) {
    return refuse(SrtpError::kSsrcTableFull);
  }
  const std::uint64_t index = estimateIndex(stream->rtp, loadBe16(buffer, 2));
  if (!rtp_.protectRtp(buffer, *headerBytes, length, ssrc, index)) {
    return refuse(SrtpError::kCryptoFailure);
  }
  stream->rtp.accept(index);
  return {length + rtp_.rtpOverhead(), SrtpError::kNone};
}

SrtpResult SrtpContext::unprotectRtp(std::span<std::uint8_t> buffer, std::size_t length) noexcept {
  if (length > buffer.size()) {
    return refuse(SrtpError::kBufferTooSmall);
  }
  const auto headerBytes = rtpHeaderBytes(buffer.first(length));
  if (!headerBytes || length - *headerBytes < rtp_.rtpOverhead()) {
    return refuse(SrtpError::kTooShort);
  }
  const std::uint32_t ssrc = loadBe32(buffer, 8);
  SrtpStreamState* known = streams_.find(ssrc);
  if (known == nullptr && streams_.full()) {
    return refuse(SrtpError::kSsrcTableFull);
  }
  const SrtpReplayWindow unseen;
  const SrtpReplayWindow& window = known != nullptr ? known->rtp : unseen;
  const std::uint64_t index = estimateIndex(window, loadBe16(buffer, 2));
  if (const auto verdict = window.check(index); verdict != SrtpReplayWindow::Verdict::kFresh) {
    return refuse(errorOf(verdict));
  }
  if (!rtp_.unprotectRtp(buffer, *headerBytes, length, ssrc, index)) {
    return refuse(SrtpError::kAuthenticationFailed);
  }
  SrtpStreamState* stream = known != nullptr ? known : streams_.insert(ssrc);
  stream->rtp.accept(index);
  return {length - rtp_.rtpOverhead(), SrtpError::kNone};
}

SrtpResult SrtpContext::protectRtcp(std::span<std::uint8_t> buffer, std::size_t length) noexcept {
  if (length > buffer.size()) {
    return refuse(SrtpError::kBufferTooSmall);
  }
  if (length < kRtcpHeaderBytes) {
    return refuse(SrtpError::kTooShort);
  }
  if (buffer.size() - length < rtcp_.rtcpOverhead()) {
    return refuse(SrtpError::kBufferTooSmall);
  }
  const std::uint32_t ssrc = loadBe32(buffer, 4);
  SrtpStreamState* stream = streams_.find(ssrc);
  if (stream == nullptr && (stream = streams_.insert(ssrc)) == nullptr) {
    return refuse(SrtpError::kSsrcTableFull);
  }
  // NOTE: the first SRTCP index sent is 1, as libsrtp sends, so both produce identical packets.
  const std::uint64_t next = stream->rtcp.empty() ? 1 : stream->rtcp.highest() + 1;
  if (next > kMaxSrtcpIndex) {
    return refuse(SrtpError::kIndexExhausted);
  }
  const auto index = static_cast<std::uint32_t>(next);
  if (!rtcp_.protectRtcp(buffer, length, ssrc, index)) {
    return refuse(SrtpError::kCryptoFailure);
  }
  stream->rtcp.accept(index);
  return {length + rtcp_.rtcpOverhead(), SrtpError::kNone};
}

SrtpResult SrtpContext::unprotectRtcp(std::span<std::uint8_t> buffer, std::size_t length) noexcept {
  if (length > buffer.size()) {
    return refuse(SrtpError::kBufferTooSmall);
  }
  if (length < kRtcpHeaderBytes + rtcp_.rtcpOverhead()) {
    return refuse(SrtpError::kTooShort);
  }
  const std::uint32_t trailer = loadBe32(buffer, rtcp_.rtcpTrailerAt(length));
  if ((trailer & kEncryptedFlag) == 0) {
    return refuse(SrtpError::kUnencryptedRtcp);
  }
  const std::uint32_t index = trailer & kMaxSrtcpIndex;
  const std::uint32_t ssrc = loadBe32(buffer, 4);
  SrtpStreamState* known = streams_.find(ssrc);
  if (known == nullptr && streams_.full()) {
    return refuse(SrtpError::kSsrcTableFull);
  }
  const SrtpReplayWindow unseen;
  const SrtpReplayWindow& window = known != nullptr ? known->rtcp : unseen;
  if (const auto verdict = window.check(index); verdict != SrtpReplayWindow::Verdict::kFresh) {
    return refuse(errorOf(verdict));
  }
  if (!rtcp_.unprotectRtcp(buffer, length, ssrc, index)) {
    return refuse(SrtpError::kAuthenticationFailed);
  }
  SrtpStreamState* stream = known != nullptr ? known : streams_.insert(ssrc);
  stream->rtcp.accept(index);
  return {length - rtcp_.rtcpOverhead(), SrtpError::kNone};
}

}  // namespace chorus::media
