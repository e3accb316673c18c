#include "media/wire/StreamFramer.h"

#include <algorithm>

#include "media/wire/ByteOrder.h"

namespace chorus::media {
namespace {
constexpr std::size_t kLengthBytes = 2;
}  // namespace

std::span<std::uint8_t> StreamFramer::writable() {
  compact();
  return std::span(buffer_).subspan(end_);
}

void StreamFramer::commit(std::size_t count) {
  end_ = std::min(end_ + count, buffer_.size());
}

std::optional<std::span<const std::uint8_t>> StreamFramer::nextFrame() {
  if (failed_ || end_ - begin_ < kLengthBytes) {
    return std::nullopt;
  }
  const std::size_t length = loadBe16(buffer_, begin_);
  if (length == 0 || length > kMaxFrame) {
    failed_ = true;
    return std::nullopt;
  }
  if (end_ - begin_ < kLengthBytes + length) {
    return std::nullopt;
  }
  const auto frame = std::span<const std::uint8_t>(buffer_).subspan(begin_ + kLengthBytes, length);
  begin_ += kLengthBytes + length;
  return frame;
}

// Moves the unconsumed tail to the front so a whole frame always fits behind it.
void StreamFramer::compact() {
  if (begin_ == 0) {
    return;
  }
  std::copy(buffer_.begin() + static_cast<std::ptrdiff_t>(begin_),
            buffer_.begin() + static_cast<std::ptrdiff_t>(end_), buffer_.begin());
  end_ -= begin_;
  begin_ = 0;
}

void writeFrameLength(std::span<std::uint8_t, 2> out, std::size_t size) {
  storeBe16(out, 0, static_cast<std::uint16_t>(size));
}

}  // namespace chorus::media
