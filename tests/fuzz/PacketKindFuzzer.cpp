// Any datagram off the wire gets a kind without reading past its end (ASan checks the reads).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "media/wire/PacketKind.h"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto kind = chorus::media::classifyPacket(std::span(data, size));
  if (size == 0 && kind != chorus::media::PacketKind::kUnknown) {
    std::abort();
  }
  return 0;
}
