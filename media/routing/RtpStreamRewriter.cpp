#include "media/routing/RtpStreamRewriter.h"

#include <limits>

namespace chorus::media {
namespace {

// Extended outgoing sequence numbers start one cycle up, so they and their window never go
// negative (highestOut_ starts at firstSequence - 1).
constexpr std::int64_t kSequenceCycle = 1 << 16;
constexpr std::uint64_t kNanosPerSecond = 1'000'000'000;

// Wall time in RTP clock ticks, at least one so a switched stream's timestamp always advances.
// Split into seconds and a remainder so a long pause cannot overflow; only the value mod 2^32
// matters, which unsigned wrap-around keeps.
std::uint32_t elapsedTicks(std::chrono::steady_clock::duration elapsed,
                           std::uint32_t clockRate) noexcept {
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count();
  if (nanos <= 0) {
    return 1;
  }
  const auto unsignedNanos = static_cast<std::uint64_t>(nanos);
  const std::uint64_t ticks = (unsignedNanos / kNanosPerSecond) * clockRate +
                              (unsignedNanos % kNanosPerSecond) * clockRate / kNanosPerSecond;
  const auto truncated = static_cast<std::uint32_t>(ticks);
  return truncated == 0 ? 1 : truncated;
}

}  // namespace

RtpStreamRewriter::RtpStreamRewriter(std::uint32_t outSsrc, std::uint16_t firstSequence,
                                     std::uint32_t firstTimestamp, std::uint32_t clockRate) noexcept
    : outSsrc_(outSsrc),
      firstTimestamp_(firstTimestamp),
      clockRate_(clockRate),
      highestOut_(kSequenceCycle + firstSequence - 1) {}

std::uint16_t RtpStreamRewriter::lastSequenceNumber() const noexcept {
  return static_cast<std::uint16_t>(highestOut_);
}

std::optional<RtpRewrite> RtpStreamRewriter::rewrite(
    std::uint32_t sourceSsrc, std::uint16_t sequenceNumber, std::uint32_t timestamp,
    std::chrono::steady_clock::time_point arrival) noexcept {
  if (!started_ || sourceSsrc != sourceSsrc_ || restartPending_) {
    restartPending_ = false;
    startSource(sourceSsrc, sequenceNumber, timestamp, arrival);
  }
  // RFC 3550 §A.1: place the 16-bit number in the cycle that puts it nearest the highest seen;
  // exactly 2^15 away is ambiguous and refused with everything further back.
  const auto distance = static_cast<std::int16_t>(
      static_cast<std::uint16_t>(sequenceNumber - static_cast<std::uint16_t>(sourceHighest_)));
  const std::int64_t sourceExtended = sourceHighest_ + distance;
  const std::int64_t outExtended = sourceExtended + sequenceDelta_;
  if (distance == std::numeric_limits<std::int16_t>::min() || sourceExtended < sourceFirst_ ||
      outExtended <= highestOut_ - kWindow) {
    ++tooOldRefused_;
    return std::nullopt;
  }
  const auto outTimestamp = static_cast<std::uint32_t>(timestamp + timestampOffset_);
  if (outExtended > highestOut_) {
    slideWindow(outExtended);
    highestOut_ = outExtended;
    highestOutTimestamp_ = outTimestamp;
    highestOutArrival_ = arrival;
    sourceHighest_ = sourceExtended;
  } else if (forwarded(outExtended)) {
    ++duplicatesRefused_;
    return std::nullopt;
  }
  markForwarded(outExtended);
  return RtpRewrite{static_cast<std::uint16_t>(outExtended), outTimestamp};
}

std::optional<std::uint16_t> RtpStreamRewriter::sourceSequence(std::uint16_t out) const noexcept {
  // The outgoing number's cycle is the one nearest the highest sent (RFC 3550 §A.1).
  const auto distance = static_cast<std::int16_t>(
      static_cast<std::uint16_t>(out - static_cast<std::uint16_t>(highestOut_)));
  const std::int64_t outExtended = highestOut_ + distance;
  if (!mapsToCurrentSource(outExtended)) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(outExtended - sequenceDelta_);
}

std::optional<RtpRewrite> RtpStreamRewriter::retransmission(
    std::uint32_t sourceSsrc, std::uint16_t sequenceNumber,
    std::uint32_t timestamp) const noexcept {
  if (!started_ || sourceSsrc != sourceSsrc_) {
    return std::nullopt;
  }
  const auto distance = static_cast<std::int16_t>(
      static_cast<std::uint16_t>(sequenceNumber - static_cast<std::uint16_t>(sourceHighest_)));
  const std::int64_t outExtended = sourceHighest_ + distance + sequenceDelta_;
  if (!mapsToCurrentSource(outExtended)) {
    return std::nullopt;
  }
  return RtpRewrite{static_cast<std::uint16_t>(outExtended),
                    static_cast<std::uint32_t>(timestamp + timestampOffset_)};
}

bool RtpStreamRewriter::mapsToCurrentSource(std::int64_t outExtended) const noexcept {
  return started_ && outExtended <= highestOut_ && outExtended > highestOut_ - kWindow &&
         outExtended >= sourceFirst_ + sequenceDelta_;
}

void RtpStreamRewriter::startSource(std::uint32_t sourceSsrc, std::uint16_t sequenceNumber,
                                    std::uint32_t timestamp,
                                    std::chrono::steady_clock::time_point arrival) noexcept {
  // RFC 7667 §3.7: the subscriber must see one stream, so the new source's first packet takes
  // the next sequence number, and a timestamp as far after the last one as wall time has moved.
  const std::uint32_t outTimestamp =
      started_ ? highestOutTimestamp_ + elapsedTicks(arrival - highestOutArrival_, clockRate_)
               : firstTimestamp_;
  started_ = true;
  sourceSsrc_ = sourceSsrc;
  sourceFirst_ = sequenceNumber;
  sourceHighest_ = sequenceNumber;
  sequenceDelta_ = highestOut_ + 1 - sourceFirst_;
  timestampOffset_ = outTimestamp - timestamp;
}

void RtpStreamRewriter::slideWindow(std::int64_t newHighest) noexcept {
  if (newHighest - highestOut_ >= kWindow) {
    forwarded_ = {};
    return;
  }
  for (std::int64_t e = highestOut_ + 1; e <= newHighest; ++e) {
    const auto bit = static_cast<std::uint64_t>(e % kWindow);
    forwarded_[bit / kWordBits] &= ~(std::uint64_t{1} << (bit % kWordBits));
  }
}

bool RtpStreamRewriter::forwarded(std::int64_t outExtended) const noexcept {
  const auto bit = static_cast<std::uint64_t>(outExtended % kWindow);
  return ((forwarded_[bit / kWordBits] >> (bit % kWordBits)) & 1U) != 0;
}

void RtpStreamRewriter::markForwarded(std::int64_t outExtended) noexcept {
  const auto bit = static_cast<std::uint64_t>(outExtended % kWindow);
  forwarded_[bit / kWordBits] |= std::uint64_t{1} << (bit % kWordBits);
}

}  // namespace chorus::media
