#include <cstddef>
#include <cstdint>
#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include "media/routing/SpscRing.h"

namespace chorus::media {
namespace {

TEST(SpscRingTest, PopsInTheOrderPushed) {
  SpscRing<int, 8> ring;
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(ring.tryPush(int{i}));
  }
  EXPECT_EQ(ring.sizeApprox(), 5U);
  for (int i = 1; i <= 5; ++i) {
    int out = 0;
    ASSERT_TRUE(ring.tryPop(out));
    EXPECT_EQ(out, i);
  }
  EXPECT_EQ(ring.sizeApprox(), 0U);
}

TEST(SpscRingTest, EmptyRingPopsNothingAndLeavesTheOutputAlone) {
  SpscRing<int, 4> ring;
  int out = 42;
  EXPECT_FALSE(ring.tryPop(out));
  EXPECT_EQ(out, 42);
}

TEST(SpscRingTest, HoldsExactlyCapacityThenRefusesWithoutTakingTheValue) {
  SpscRing<std::unique_ptr<int>, 4> ring;
  static_assert(decltype(ring)::capacity() == 4);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(ring.tryPush(std::make_unique<int>(i)));
  }
  EXPECT_EQ(ring.sizeApprox(), 4U);
  auto extra = std::make_unique<int>(99);
  EXPECT_FALSE(ring.tryPush(std::move(extra)));
  // A refused push does not consume the value: the caller still owns it (to count and free it).
  // NOLINTBEGIN(bugprone-use-after-move): checking exactly that
  ASSERT_NE(extra, nullptr);
  EXPECT_EQ(*extra, 99);
  // NOLINTEND(bugprone-use-after-move)

  std::unique_ptr<int> out;
  ASSERT_TRUE(ring.tryPop(out));
  EXPECT_EQ(*out, 0);
  EXPECT_TRUE(ring.tryPush(std::move(extra)));  // one slot freed, one push fits
  EXPECT_FALSE(ring.tryPush(std::make_unique<int>(100)));
}

TEST(SpscRingTest, WrapsAroundOverManyCycles) {
  SpscRing<std::uint32_t, 8> ring;
  std::uint32_t next = 0;
  std::uint32_t expected = 0;
  // Uneven batches so the indices cross the end of the storage at every offset.
  for (int cycle = 0; cycle < 1000; ++cycle) {
    const int pushes = 1 + (cycle % 8);
    for (int i = 0; i < pushes; ++i) {
      ASSERT_TRUE(ring.tryPush(std::uint32_t{next++}));
    }
    std::uint32_t out = 0;
    while (ring.tryPop(out)) {
      ASSERT_EQ(out, expected++);
    }
  }
  EXPECT_EQ(expected, next);
  EXPECT_GT(next, 8U * 100U);
}

// The consumer must see every value exactly once, in order, while both threads run flat out.
// ThreadSanitizer (`make tsan`) checks the slot hand-over is ordered by the indices' acquire and
// release operations.
TEST(SpscRingTest, TwoThreadsHandOverAMillionValuesInOrder) {
  constexpr std::uint64_t kCount = 1'000'000;
  auto ring = std::make_unique<SpscRing<std::uint64_t, 1024>>();

  std::thread producer([&ring] {
    for (std::uint64_t value = 0; value < kCount;) {
      if (ring->tryPush(std::uint64_t{value})) {
        ++value;
      } else {
        std::this_thread::yield();
      }
    }
  });

  std::uint64_t expected = 0;
  std::uint64_t outOfOrder = 0;
  while (expected < kCount) {
    std::uint64_t value = 0;
    if (ring->tryPop(value)) {
      if (value != expected) {
        ++outOfOrder;
      }
      expected = value + 1;
    } else {
      std::this_thread::yield();
    }
  }
  producer.join();

  EXPECT_EQ(outOfOrder, 0U);
  EXPECT_EQ(expected, kCount);
  std::uint64_t leftover = 0;
  EXPECT_FALSE(ring->tryPop(leftover));
}

}  // namespace
}  // namespace chorus::media
