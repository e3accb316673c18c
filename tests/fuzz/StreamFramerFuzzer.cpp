// A TCP peer's byte stream, split at arbitrary points, never yields a frame larger than the
// limit or one that reaches outside the received bytes; the same bytes give the same frames
// however they are split.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "media/wire/StreamFramer.h"

namespace {

std::vector<std::vector<std::uint8_t>> frames(std::span<const std::uint8_t> stream,
                                              std::size_t chunk) {
  chorus::media::StreamFramer framer;
  std::vector<std::vector<std::uint8_t>> out;
  for (std::size_t at = 0; at < stream.size() && !framer.failed();) {
    auto space = framer.writable();
    if (space.empty()) {
      std::abort();  // a full buffer must always hold a complete frame
    }
    const std::size_t count = std::min({chunk, space.size(), stream.size() - at});
    std::copy_n(stream.begin() + static_cast<std::ptrdiff_t>(at), count, space.begin());
    framer.commit(count);
    at += count;
    while (auto frame = framer.nextFrame()) {
      if (frame->empty() || frame->size() > chorus::media::StreamFramer::kMaxFrame) {
        std::abort();
      }
      out.emplace_back(frame->begin(), frame->end());
    }
  }
  return out;
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) {
    return 0;
  }
  const std::size_t chunk = 1 + data[0] % 97;
  const std::span<const std::uint8_t> stream(data + 1, size - 1);
  if (frames(stream, chunk) != frames(stream, stream.size() + 1)) {
    std::abort();
  }
  return 0;
}
