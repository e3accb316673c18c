#include "signaling/auth/Base64Url.h"

#include <array>

namespace chorus::signaling {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::uint8_t kInvalid = 0xFF;

constexpr std::array<std::uint8_t, 256> makeDecodeTable() {
  std::array<std::uint8_t, 256> table{};
  table.fill(kInvalid);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return table;
}

constexpr std::array<std::uint8_t, 256> kDecodeTable = makeDecodeTable();

}  // namespace

std::string encodeBase64Url(std::span<const std::uint8_t> bytes) {
  std::string text;
  text.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = (std::uint32_t{bytes[i]} << 16U) |
                                (std::uint32_t{bytes[i + 1]} << 8U) | std::uint32_t{bytes[i + 2]};
    text += kAlphabet[(group >> 18U) & 0x3FU];
    text += kAlphabet[(group >> 12U) & 0x3FU];
    text += kAlphabet[(group >> 6U) & 0x3FU];
    text += kAlphabet[group & 0x3FU];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t group = std::uint32_t{bytes[i]} << 16U;
    text += kAlphabet[(group >> 18U) & 0x3FU];
    text += kAlphabet[(group >> 12U) & 0x3FU];
  } else if (rest == 2) {
    const std::uint32_t group =
        (std::uint32_t{bytes[i]} << 16U) | (std::uint32_t{bytes[i + 1]} << 8U);
    text += kAlphabet[(group >> 18U) & 0x3FU];
    text += kAlphabet[(group >> 12U) & 0x3FU];
    text += kAlphabet[(group >> 6U) & 0x3FU];
  }
  return text;
}

std::string encodeBase64Url(std::string_view bytes) {
  return encodeBase64Url(
      std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

std::optional<std::string> decodeBase64Url(std::string_view text) {
  if (text.size() % 4 == 1) {
    return std::nullopt;  // 6 bits cannot make a byte
  }
  std::string bytes;
  bytes.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  unsigned bitCount = 0;
  for (const char c : text) {
    const std::uint8_t value = kDecodeTable[static_cast<unsigned char>(c)];
    if (value == kInvalid) {
      return std::nullopt;
    }
    bits = (bits << 6U) | value;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      bytes += static_cast<char>((bits >> bitCount) & 0xFFU);
    }
    bits &= (1U << bitCount) - 1U;
  }
  if (bits != 0) {
    return std::nullopt;  // RFC 4648 §3.5: the pad bits of a canonical encoding are zero
  }
  return bytes;
}

}  // namespace chorus::signaling
