#include "signaling/http/Utf8Text.h"

#include <cstdint>

namespace chorus::signaling {
namespace {

constexpr char32_t kLastC0 = 0x1F;
constexpr char32_t kDelete = 0x7F;
constexpr char32_t kLastC1 = 0x9F;

bool isControl(char32_t codePoint) noexcept {
  return codePoint <= kLastC0 || (codePoint >= kDelete && codePoint <= kLastC1);
}

bool isContinuation(std::uint8_t byte) noexcept {
  constexpr std::uint8_t kMask = 0xC0;
  constexpr std::uint8_t kContinuation = 0x80;
  return (byte & kMask) == kContinuation;
}

}  // namespace

std::optional<std::size_t> printableCodePoints(std::string_view text) noexcept {
  // RFC 3629 §4: the lead byte gives the length; the smallest code point each length may
  // carry rules out overlong forms.
  constexpr char32_t kMinTwoByte = 0x80;
  constexpr char32_t kMinThreeByte = 0x800;
  constexpr char32_t kMinFourByte = 0x10000;
  constexpr char32_t kMaxCodePoint = 0x10FFFF;
  constexpr char32_t kFirstSurrogate = 0xD800;
  constexpr char32_t kLastSurrogate = 0xDFFF;
  std::size_t count = 0;
  for (std::size_t at = 0; at < text.size(); ++count) {
    const auto lead = static_cast<std::uint8_t>(text[at]);
    std::size_t length = 0;
    char32_t codePoint = 0;
    char32_t minimum = 0;
    if (lead < 0x80) {
      length = 1;
      codePoint = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      codePoint = lead & 0x1FU;
      minimum = kMinTwoByte;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      codePoint = lead & 0x0FU;
      minimum = kMinThreeByte;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      codePoint = lead & 0x07U;
      minimum = kMinFourByte;
    } else {
      return std::nullopt;
    }
    if (text.size() - at < length) {
      return std::nullopt;
    }
    for (std::size_t i = 1; i < length; ++i) {
      const auto byte = static_cast<std::uint8_t>(text[at + i]);
      if (!isContinuation(byte)) {
        return std::nullopt;
      }
      codePoint = (codePoint << 6U) | (byte & 0x3FU);
    }
    if (codePoint < minimum || codePoint > kMaxCodePoint ||
        (codePoint >= kFirstSurrogate && codePoint <= kLastSurrogate) || isControl(codePoint)) {
      return std::nullopt;
    }
    at += length;
  }
  return count;
}

}  // namespace chorus::signaling
