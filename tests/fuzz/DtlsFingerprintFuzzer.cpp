// a=fingerprint values come from clients' SDP. Whatever parses must print back to the same
// text up to letter case, and parse again to the same fingerprint.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "media/security/DtlsFingerprint.h"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = chorus::media::DtlsFingerprint::parse(text);
  if (!parsed) {
    return 0;
  }
  const std::string printed = parsed->toSdp();
  const bool sameText =
      std::equal(printed.begin(), printed.end(), text.begin(), text.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      });
  const auto reparsed = chorus::media::DtlsFingerprint::parse(printed);
  if (!sameText || !reparsed || !(*reparsed == *parsed) ||
      parsed->digest().size() != chorus::media::digestSizeOf(parsed->hashFunction())) {
    std::abort();
  }
  return 0;
}
