#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "media/wire/RtcpCompoundView.h"

namespace chorus::media::test {

using Bytes = std::vector<std::uint8_t>;

// The packet of a datagram that holds exactly one RTCP packet.
inline std::optional<RtcpHeader> onlyPacket(std::span<const std::uint8_t> datagram) {
  const auto compound = RtcpCompoundView::parse(datagram);
  if (!compound || compound->packetCount() != 1) {
    return std::nullopt;
  }
  return *compound->begin();
}

// The first `words` 32-bit words of `packet`, with the length field and padding bit adjusted so
// the framing is consistent: what a sender that cut a packet short would produce.
inline Bytes shortened(const Bytes& packet, std::size_t words) {
  Bytes cut(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(4 * words));
  cut[0] = static_cast<std::uint8_t>(cut[0] & ~0x20U);
  cut[2] = static_cast<std::uint8_t>((words - 1) >> 8);
  cut[3] = static_cast<std::uint8_t>(words - 1);
  return cut;
}

// Cutting `packet` anywhere breaks the compound framing; cutting it at any word boundary below
// `firstValidWords` (with the framing kept consistent) must make `parse` refuse it.
template <typename Parse>
void expectTruncationsRejected(const Bytes& packet, Parse parse, std::size_t firstValidWords) {
  for (std::size_t size = 0; size < packet.size(); ++size) {
    EXPECT_FALSE(RtcpCompoundView::parse(std::span(packet).first(size))) << "size " << size;
  }
  for (std::size_t words = 1; words < firstValidWords; ++words) {
    const Bytes cut = shortened(packet, words);
    const auto header = onlyPacket(cut);
    ASSERT_TRUE(header) << "words " << words;
    EXPECT_FALSE(parse(*header)) << "words " << words;
  }
}

template <typename Parse>
void expectTruncationsRejected(const Bytes& packet, Parse parse) {
  expectTruncationsRejected(packet, parse, packet.size() / 4);
}

// Runs a builder into a buffer of `capacity` bytes and returns what it wrote.
template <typename Build>
std::optional<Bytes> built(Build build, std::size_t capacity = 1500) {
  Bytes buffer(capacity, 0xcc);
  const auto size = build(std::span(buffer));
  if (!size) {
    return std::nullopt;
  }
  buffer.resize(*size);
  return buffer;
}

// A builder must refuse every buffer smaller than what it writes.
template <typename Build>
void expectRefusesSmallBuffers(Build build, std::size_t size) {
  for (std::size_t capacity = 0; capacity < size; ++capacity) {
    EXPECT_FALSE(built(build, capacity)) << "capacity " << capacity;
  }
}

}  // namespace chorus::media::test
