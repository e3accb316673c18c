#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace chorus::media {

// Concatenates RTCP packets into one datagram (RFC 3550 §6.1) in a caller's buffer. Each
// packet is written by a builder into remaining(), then committed with append():
//
//   RtcpCompoundWriter writer(buffer);
//   writer.append(RtcpReceiverReport::build(writer.remaining(), ssrc, blocks));
//   writer.append(RtcpNack::build(writer.remaining(), ssrc, mediaSsrc, items));
//   send(writer.datagram());
class RtcpCompoundWriter {
 public:
  explicit RtcpCompoundWriter(std::span<std::uint8_t> buffer) noexcept : buffer_(buffer) {}

  std::span<std::uint8_t> remaining() const noexcept { return buffer_.subspan(size_); }

  // Commits the packet a builder wrote at the start of remaining(). A builder's nothing (the
  // packet did not fit) leaves the datagram as it was and returns false, so the caller can send
  // what is there and put the rest in the next datagram.
  bool append(std::optional<std::size_t> written) noexcept;

  std::span<const std::uint8_t> datagram() const noexcept { return buffer_.first(size_); }
  std::size_t size() const noexcept { return size_; }

 private:
  std::span<std::uint8_t> buffer_;
  std::size_t size_ = 0;
};

}  // namespace chorus::media
