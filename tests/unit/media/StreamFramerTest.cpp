#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "media/wire/StreamFramer.h"

namespace chorus::media {
namespace {

std::vector<std::uint8_t> framed(const std::vector<std::string>& packets) {
  std::vector<std::uint8_t> stream;
  for (const auto& packet : packets) {
    std::array<std::uint8_t, 2> length{};
    writeFrameLength(length, packet.size());
    stream.insert(stream.end(), length.begin(), length.end());
    stream.insert(stream.end(), packet.begin(), packet.end());
  }
  return stream;
}

// Feeds `stream` in pieces of `chunk` bytes and collects every frame.
std::vector<std::string> deliver(StreamFramer& framer, const std::vector<std::uint8_t>& stream,
                                 std::size_t chunk) {
  std::vector<std::string> frames;
  for (std::size_t at = 0; at < stream.size();) {
    auto space = framer.writable();
    const std::size_t count = std::min({chunk, space.size(), stream.size() - at});
    std::copy_n(stream.begin() + static_cast<std::ptrdiff_t>(at), count, space.begin());
    framer.commit(count);
    at += count;
    while (auto frame = framer.nextFrame()) {
      frames.emplace_back(frame->begin(), frame->end());
    }
  }
  return frames;
}

TEST(StreamFramerTest, SplitsAStreamIntoPacketsWhateverTheReadSizes) {
  const std::vector<std::string> packets{"stun-binding", std::string(1200, 'r'), "x",
                                         std::string(StreamFramer::kMaxFrame, 'm')};
  const auto stream = framed(packets);
  for (const std::size_t chunk :
       {std::size_t{1}, std::size_t{3}, std::size_t{1000}, stream.size()}) {
    StreamFramer framer;
    EXPECT_EQ(deliver(framer, stream, chunk), packets) << "chunk " << chunk;
    EXPECT_FALSE(framer.failed());
  }
}

TEST(StreamFramerTest, IncompleteFrameWaitsForTheRest) {
  StreamFramer framer;
  const auto stream = framed({"hello"});
  auto space = framer.writable();
  std::copy_n(stream.begin(), 4, space.begin());
  framer.commit(4);
  EXPECT_FALSE(framer.nextFrame());
  space = framer.writable();
  std::copy(stream.begin() + 4, stream.end(), space.begin());
  framer.commit(stream.size() - 4);
  const auto frame = framer.nextFrame();
  ASSERT_TRUE(frame);
  EXPECT_EQ(std::string(frame->begin(), frame->end()), "hello");
}

TEST(StreamFramerTest, OversizedOrEmptyFrameFailsTheStream) {
  for (const std::uint16_t length :
       {std::uint16_t{0}, std::uint16_t{StreamFramer::kMaxFrame + 1}}) {
    StreamFramer framer;
    auto space = framer.writable();
    space[0] = static_cast<std::uint8_t>(length >> 8);
    space[1] = static_cast<std::uint8_t>(length);
    framer.commit(2);
    EXPECT_FALSE(framer.nextFrame());
    EXPECT_TRUE(framer.failed());
  }
}

}  // namespace
}  // namespace chorus::media
