#include <vector>

#include <gtest/gtest.h>

#include "media/wire/PacketPool.h"

namespace chorus::media {
namespace {

TEST(PacketPoolTest, HandsOutEverySlotOnceThenRunsDry) {
  PacketPool pool(3);
  std::vector<PacketRef> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(pool.acquire());
    ASSERT_TRUE(held.back());
  }
  EXPECT_EQ(pool.available(), 0U);
  EXPECT_FALSE(pool.acquire());
  EXPECT_NE(&*held[0], &*held[1]);
}

TEST(PacketPoolTest, ARefGivesItsSlotBackWhenDestroyed) {
  PacketPool pool(1);
  {
    PacketRef ref = pool.acquire();
    ref->length = 100;
    EXPECT_EQ(pool.available(), 0U);
  }
  EXPECT_EQ(pool.available(), 1U);
  EXPECT_EQ(pool.acquire()->length, 0U);  // handed out clean
}

TEST(PacketPoolTest, MovingARefMovesOwnership) {
  PacketPool pool(2);
  PacketRef first = pool.acquire();
  PacketSlot* slot = &*first;
  PacketRef second = std::move(first);
  EXPECT_FALSE(first);  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_EQ(&*second, slot);
  PacketRef third = pool.acquire();
  third = std::move(second);  // third's own slot goes back
  EXPECT_EQ(pool.available(), 1U);
  third.reset();
  EXPECT_EQ(pool.available(), 2U);
}

}  // namespace
}  // namespace chorus::media
