#include "media/wire/RtcpTransportFeedback.h"

#include <algorithm>
#include <array>

#include "media/wire/ByteOrder.h"

namespace chorus::media {
namespace {

// Offsets in the body (after the 4-byte common header).
constexpr std::size_t kBaseSequenceOffset = kRtcpFeedbackHeaderSize;
constexpr std::size_t kStatusCountOffset = kBaseSequenceOffset + 2;
constexpr std::size_t kReferenceTimeOffset = kStatusCountOffset + 2;
constexpr std::size_t kFeedbackCountOffset = kReferenceTimeOffset + 3;
constexpr std::size_t kChunksOffset = kFeedbackCountOffset + 1;
constexpr std::size_t kChunkSize = 2;
constexpr std::size_t kMaxTrailingPadding = 3;

constexpr std::uint16_t kVectorChunkBit = 0x8000;
constexpr std::uint16_t kTwoBitVectorBit = 0x4000;
constexpr std::uint16_t kRunLengthMask = 0x1fff;
constexpr std::size_t kMaxRunLength = kRunLengthMask;
constexpr std::size_t kOneBitCapacity = 14;
constexpr std::size_t kTwoBitCapacity = 7;

constexpr std::uint8_t kNotReceived = 0;
constexpr std::uint8_t kSmallDelta = 1;
constexpr std::uint8_t kLargeDelta = 2;
constexpr std::uint8_t kReserved = 3;

constexpr std::int32_t kMinReferenceTime = -(1 << 23);
constexpr std::int32_t kMaxReferenceTime = (1 << 23) - 1;
constexpr std::int64_t kMaxSmallDelta = 0xff;
constexpr std::int64_t kTicksPerReferenceTick =
    RtcpTransportFeedback::kReferenceTimeTick / RtcpTransportFeedback::kDeltaTick;
constexpr std::uint8_t kPaddingBit = 0x20;

bool isRunLength(std::uint16_t chunk) noexcept {
  return (chunk & kVectorChunkBit) == 0;
}

bool isTwoBitVector(std::uint16_t chunk) noexcept {
  return (chunk & kTwoBitVectorBit) != 0;
}

std::size_t capacityOf(std::uint16_t chunk) noexcept {
  if (isRunLength(chunk)) {
    return chunk & kRunLengthMask;
  }
  return isTwoBitVector(chunk) ? kTwoBitCapacity : kOneBitCapacity;
}

// The status symbol of the chunk's `index`th packet. A symbol's value is also the size in bytes
// of its receive delta (0, 1 or 2).
std::uint8_t symbolAt(std::uint16_t chunk, std::size_t index) noexcept {
  if (isRunLength(chunk)) {
    return (chunk >> 13) & 0x03U;
  }
  if (isTwoBitVector(chunk)) {
    return static_cast<std::uint8_t>((chunk >> (12 - 2 * index)) & 0x03U);
  }
  return static_cast<std::uint8_t>((chunk >> (13 - index)) & 0x01U);
}

// Absolute 250 us ticks, rounded towards minus infinity.
std::int64_t ticksOf(std::chrono::microseconds time) noexcept {
  const std::int64_t tick = RtcpTransportFeedback::kDeltaTick.count();
  const std::int64_t us = time.count();
  return us >= 0 ? us / tick : -((-us + tick - 1) / tick);
}

std::optional<std::uint8_t> symbolFor(std::int64_t deltaTicks) noexcept {
  if (deltaTicks >= 0 && deltaTicks <= kMaxSmallDelta) {
    return kSmallDelta;
  }
  if (deltaTicks >= INT16_MIN && deltaTicks <= INT16_MAX) {
    return kLargeDelta;
  }
  return std::nullopt;
}

// Packs status symbols into chunks as they come, holding back up to 14 symbols (or a run of any
// length) until it knows which chunk form fits them.
class ChunkEncoder {
 public:
  explicit ChunkEncoder(std::span<std::uint8_t> out) noexcept : out_(out) {}

  bool add(std::uint8_t symbol) noexcept {
    while (!fits(symbol)) {
      if (!emitSome()) {
        return false;
      }
    }
    if (count_ < pending_.size()) {
      pending_[count_] = symbol;
    }
    allSame_ = allSame_ && (count_ == 0 || symbol == pending_[0]);
    hasLarge_ = hasLarge_ || symbol == kLargeDelta;
    ++count_;
    return true;
  }

  bool flush() noexcept {
    if (count_ == 0) {
      return true;
    }
    if (allSame_) {
      return emitRun();
    }
    return hasLarge_ ? emitTwoBitVector() : emitOneBitVector();
  }

  std::size_t size() const noexcept { return size_; }

 private:
  bool fits(std::uint8_t symbol) const noexcept {
    if (count_ < kTwoBitCapacity) {
      return true;
    }
    if (allSame_ && symbol == pending_[0] && count_ < kMaxRunLength) {
      return true;
    }
    return !hasLarge_ && symbol != kLargeDelta && count_ < kOneBitCapacity;
  }

  // Emits a chunk for the longest prefix of the pending symbols that one chunk holds.
  bool emitSome() noexcept {
    if (allSame_) {
      return emitRun();
    }
    if (count_ == kOneBitCapacity && !hasLarge_) {
      return emitOneBitVector();
    }
    return emitTwoBitVector();
  }

  bool emitRun() noexcept {
    return emit(static_cast<std::uint16_t>((pending_[0] << 13) | count_), count_);
  }

  bool emitOneBitVector() noexcept {
    auto chunk = kVectorChunkBit;
    for (std::size_t i = 0; i < count_; ++i) {
      chunk = static_cast<std::uint16_t>(chunk | (pending_[i] << (13 - i)));
    }
    return emit(chunk, count_);
  }

  bool emitTwoBitVector() noexcept {
    const std::size_t taken = std::min(count_, kTwoBitCapacity);
    auto chunk = static_cast<std::uint16_t>(kVectorChunkBit | kTwoBitVectorBit);
    for (std::size_t i = 0; i < taken; ++i) {
      chunk = static_cast<std::uint16_t>(chunk | (pending_[i] << (12 - 2 * i)));
    }
    return emit(chunk, taken);
  }

  // Writes `chunk` and drops the first `taken` pending symbols.
  bool emit(std::uint16_t chunk, std::size_t taken) noexcept {
    if (out_.size() - size_ < kChunkSize) {
      return false;
    }
    storeBe16(out_, size_, chunk);
    size_ += kChunkSize;
    const std::size_t left = count_ - taken;
    if (left > 0) {
      // Only a two-bit vector leaves symbols behind, and then fewer than 14 were pending.
      std::copy_n(pending_.begin() + static_cast<std::ptrdiff_t>(taken), left, pending_.begin());
    }
    count_ = left;
    allSame_ = std::all_of(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(left),
                           [this](std::uint8_t symbol) { return symbol == pending_[0]; });
    hasLarge_ = std::find(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(left),
                          kLargeDelta) != pending_.begin() + static_cast<std::ptrdiff_t>(left);
    return true;
  }

  std::span<std::uint8_t> out_;
  std::size_t size_ = 0;
  std::array<std::uint8_t, kOneBitCapacity> pending_{};
  std::size_t count_ = 0;
  bool allSame_ = true;
  bool hasLarge_ = false;
};

}  // namespace

std::optional<RtcpTransportFeedback> RtcpTransportFeedback::parse(
    const RtcpHeader& header) noexcept {
  if (!isRtcpFeedback(header, RtcpPacketType::kTransportFeedback, kFormat) ||
      header.body.size() < kChunksOffset) {
    return std::nullopt;
  }
  const auto body = header.body;
  std::size_t remaining = loadBe16(body, kStatusCountOffset);
  if (remaining == 0) {
    return std::nullopt;
  }
  std::size_t offset = kChunksOffset;
  std::size_t deltasSize = 0;
  while (remaining > 0) {
    if (body.size() - offset < kChunkSize) {
      return std::nullopt;
    }
    const std::uint16_t chunk = loadBe16(body, offset);
    offset += kChunkSize;
    const std::size_t covered = std::min(capacityOf(chunk), remaining);
    if (isRunLength(chunk)) {
      const std::uint8_t symbol = symbolAt(chunk, 0);
      if (symbol == kReserved) {
        return std::nullopt;
      }
      deltasSize += covered * symbol;
    } else {
      for (std::size_t i = 0; i < covered; ++i) {
        const std::uint8_t symbol = symbolAt(chunk, i);
        if (symbol == kReserved) {
          return std::nullopt;
        }
        deltasSize += symbol;
      }
    }
    remaining -= covered;
  }
  if (body.size() - offset < deltasSize ||
      body.size() - offset - deltasSize > kMaxTrailingPadding) {
    return std::nullopt;
  }
  return RtcpTransportFeedback(body, offset);
}

std::optional<std::size_t> RtcpTransportFeedback::build(
    std::span<std::uint8_t> out, const FeedbackInfo& info,
    std::span<const PacketArrival> packets) noexcept {
  constexpr std::size_t kChunksStart = kRtcpHeaderSize + kChunksOffset;
  if (packets.empty() || packets.size() > kMaxStatusCount || out.size() < kChunksStart ||
      info.referenceTime < kMinReferenceTime || info.referenceTime > kMaxReferenceTime) {
    return std::nullopt;
  }
  const std::int64_t referenceTicks = std::int64_t{info.referenceTime} * kTicksPerReferenceTick;

  // First pass: status symbols into chunks.
  ChunkEncoder chunks(out.subspan(kChunksStart));
  std::int64_t previousTicks = referenceTicks;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    if (packets[i].sequenceNumber != static_cast<std::uint16_t>(packets[0].sequenceNumber + i)) {
      return std::nullopt;
    }
    std::uint8_t symbol = kNotReceived;
    if (packets[i].arrivalTime) {
      const std::int64_t ticks = ticksOf(*packets[i].arrivalTime);
      const auto received = symbolFor(ticks - previousTicks);
      if (!received) {
        return std::nullopt;
      }
      symbol = *received;
      previousTicks = ticks;
    }
    if (!chunks.add(symbol)) {
      return std::nullopt;
    }
  }
  if (!chunks.flush()) {
    return std::nullopt;
  }

  // Second pass: the receive deltas after the chunks.
  std::size_t at = kChunksStart + chunks.size();
  previousTicks = referenceTicks;
  for (const PacketArrival& packet : packets) {
    if (!packet.arrivalTime) {
      continue;
    }
    const std::int64_t ticks = ticksOf(*packet.arrivalTime);
    const std::int64_t delta = ticks - previousTicks;
    previousTicks = ticks;
    if (symbolFor(delta) == kSmallDelta) {
      if (at + 1 > out.size()) {
        return std::nullopt;
      }
      out[at] = static_cast<std::uint8_t>(delta);
      at += 1;
    } else {
      if (at + 2 > out.size()) {
        return std::nullopt;
      }
      storeBe16(out, at, static_cast<std::uint16_t>(static_cast<std::int16_t>(delta)));
      at += 2;
    }
  }

  // RFC 3550 §6.4.1 padding: zeros, then the count in the last byte.
  const std::size_t size = rtcpPaddedSize(at);
  if (size > out.size() || size > kRtcpMaxPacketSize) {
    return std::nullopt;
  }
  writeRtcpFeedbackHeader(out, kFormat, RtcpPacketType::kTransportFeedback, size, info.senderSsrc,
                          info.mediaSsrc);
  if (size > at) {
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(at),
              out.begin() + static_cast<std::ptrdiff_t>(size), 0);
    out[size - 1] = static_cast<std::uint8_t>(size - at);
    out[0] |= kPaddingBit;
  }
  storeBe16(out, kRtcpHeaderSize + kBaseSequenceOffset, packets[0].sequenceNumber);
  storeBe16(out, kRtcpHeaderSize + kStatusCountOffset, static_cast<std::uint16_t>(packets.size()));
  storeBe24(out, kRtcpHeaderSize + kReferenceTimeOffset,
            static_cast<std::uint32_t>(info.referenceTime) & 0xffffffU);
  out[kRtcpHeaderSize + kFeedbackCountOffset] = info.feedbackPacketCount;
  return size;
}

std::uint32_t RtcpTransportFeedback::senderSsrc() const noexcept {
  return loadBe32(body_, 0);
}

std::uint32_t RtcpTransportFeedback::mediaSsrc() const noexcept {
  return loadBe32(body_, 4);
}

std::uint16_t RtcpTransportFeedback::baseSequenceNumber() const noexcept {
  return loadBe16(body_, kBaseSequenceOffset);
}

std::size_t RtcpTransportFeedback::packetStatusCount() const noexcept {
  return loadBe16(body_, kStatusCountOffset);
}

std::int32_t RtcpTransportFeedback::referenceTime() const noexcept {
  const std::uint32_t raw = loadBe24(body_, kReferenceTimeOffset);
  // Sign-extend the 24-bit field.
  return (raw & 0x800000U) != 0 ? static_cast<std::int32_t>(raw) - (1 << 24)
                                : static_cast<std::int32_t>(raw);
}

std::uint8_t RtcpTransportFeedback::feedbackPacketCount() const noexcept {
  return body_[kFeedbackCountOffset];
}

RtcpTransportFeedback::StatusCursor::StatusCursor(std::span<const std::uint8_t> body,
                                                  std::size_t deltasOffset) noexcept
    : body_(body),
      remaining_(loadBe16(body, kStatusCountOffset)),
      chunkOffset_(kChunksOffset),
      deltaOffset_(deltasOffset),
      sequenceNumber_(loadBe16(body, kBaseSequenceOffset)) {}

std::optional<RtcpTransportFeedback::PacketStatus>
RtcpTransportFeedback::StatusCursor::next() noexcept {
  if (remaining_ == 0) {
    return std::nullopt;
  }
  std::uint16_t chunk = loadBe16(body_, chunkOffset_);
  while (symbolIndex_ >= capacityOf(chunk)) {
    chunkOffset_ += kChunkSize;
    symbolIndex_ = 0;
    chunk = loadBe16(body_, chunkOffset_);
  }
  const std::uint8_t symbol = symbolAt(chunk, symbolIndex_++);
  PacketStatus status{.sequenceNumber = sequenceNumber_++,
                      .status = static_cast<Status>(symbol),
                      .receiveDelta = {}};
  if (symbol == kSmallDelta) {
    status.receiveDelta = kDeltaTick * body_[deltaOffset_];
  } else if (symbol == kLargeDelta) {
    status.receiveDelta = kDeltaTick * static_cast<std::int16_t>(loadBe16(body_, deltaOffset_));
  }
  deltaOffset_ += symbol;
  --remaining_;
  return status;
}

}  // namespace chorus::media
