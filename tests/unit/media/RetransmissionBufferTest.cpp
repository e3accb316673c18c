#include <chrono>
#include <cstdint>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "media/routing/RetransmissionBuffer.h"
#include "media/wire/PacketPool.h"

namespace chorus::media {
namespace {

using std::chrono::milliseconds;
using TimePoint = RetransmissionBuffer::TimePoint;

const TimePoint kStart{std::chrono::seconds(50)};

TEST(RetransmissionBufferTest, FindsWhatItKeepsAcrossTheWrap) {
  PacketPool pool(8);
  RetransmissionBuffer buffer;
  std::vector<PacketSlot*> slots;
  for (std::uint16_t i = 0; i < 4; ++i) {
    slots.push_back(pool.acquire().detach());
    const auto stored = buffer.store(*slots.back(), static_cast<std::uint16_t>(65534 + i), kStart);
    EXPECT_TRUE(stored.kept);
    EXPECT_EQ(stored.evicted, nullptr);
  }
  EXPECT_EQ(buffer.size(), 4U);
  EXPECT_EQ(buffer.find(65534, kStart), slots[0]);
  EXPECT_EQ(buffer.find(65535, kStart), slots[1]);
  EXPECT_EQ(buffer.find(0, kStart), slots[2]);
  EXPECT_EQ(buffer.find(1, kStart), slots[3]);
  EXPECT_EQ(buffer.find(2, kStart), nullptr);
  EXPECT_EQ(buffer.find(65533, kStart), nullptr);
}

TEST(RetransmissionBufferTest, DuplicateIsNotKept) {
  PacketPool pool(4);
  RetransmissionBuffer buffer;
  PacketSlot* first = pool.acquire().detach();
  PacketSlot* again = pool.acquire().detach();
  EXPECT_TRUE(buffer.store(*first, 10, kStart).kept);
  const auto stored = buffer.store(*again, 10, kStart);
  EXPECT_FALSE(stored.kept);
  EXPECT_EQ(stored.evicted, nullptr);
  EXPECT_EQ(buffer.find(10, kStart), first);
  EXPECT_EQ(buffer.size(), 1U);
}

TEST(RetransmissionBufferTest, CountBoundEvictsThePacketCapacityNumbersBefore) {
  constexpr std::size_t kCapacity = RetransmissionBuffer::kCapacity;
  PacketPool pool(kCapacity + 2);
  RetransmissionBuffer buffer;
  std::vector<PacketSlot*> slots;
  for (std::size_t i = 0; i < kCapacity; ++i) {
    slots.push_back(pool.acquire().detach());
    ASSERT_EQ(buffer.store(*slots.back(), static_cast<std::uint16_t>(65000 + i), kStart).evicted,
              nullptr);
  }
  EXPECT_EQ(buffer.size(), kCapacity);
  PacketSlot* next = pool.acquire().detach();
  const auto stored = buffer.store(*next, static_cast<std::uint16_t>(65000 + kCapacity), kStart);
  EXPECT_TRUE(stored.kept);
  EXPECT_EQ(stored.evicted, slots[0]);
  EXPECT_EQ(buffer.size(), kCapacity);
  EXPECT_EQ(buffer.find(65000, kStart), nullptr);
  EXPECT_EQ(buffer.find(65001, kStart), slots[1]);
}

TEST(RetransmissionBufferTest, AgeBoundExpiresEachOldPacketOnce) {
  PacketPool pool(8);
  RetransmissionBuffer buffer;
  PacketSlot* old = pool.acquire().detach();
  PacketSlot* young = pool.acquire().detach();
  buffer.store(*old, 1, kStart);
  buffer.store(*young, 2, kStart + milliseconds(500));
  const TimePoint later = kStart + RetransmissionBuffer::kMaxAge + milliseconds(1);
  EXPECT_EQ(buffer.find(1, later), nullptr) << "too old to be worth resending";
  EXPECT_EQ(buffer.find(2, later), young);
  EXPECT_EQ(buffer.popExpired(later), old);
  EXPECT_EQ(buffer.popExpired(later), nullptr);
  EXPECT_EQ(buffer.size(), 1U);
  EXPECT_EQ(buffer.popAny(), young);
  EXPECT_EQ(buffer.popAny(), nullptr);
  EXPECT_EQ(buffer.size(), 0U);
}

TEST(RetransmissionBufferTest, EverySlotComesOutExactlyOnce) {
  PacketPool pool(2000);
  RetransmissionBuffer buffer;
  std::multiset<PacketSlot*> released;
  std::set<PacketSlot*> stored;
  TimePoint now = kStart;
  for (std::uint32_t i = 0; i < 1500; ++i) {
    now += milliseconds(1);
    PacketSlot* slot = pool.acquire().detach();
    stored.insert(slot);
    const auto result = buffer.store(*slot, static_cast<std::uint16_t>(64000 + i), now);
    ASSERT_TRUE(result.kept);
    if (result.evicted != nullptr) {
      released.insert(result.evicted);
    }
    if (i % 20 == 0) {
      while (PacketSlot* expired = buffer.popExpired(now + milliseconds(700))) {
        released.insert(expired);
      }
    }
  }
  while (PacketSlot* rest = buffer.popAny()) {
    released.insert(rest);
  }
  EXPECT_EQ(released.size(), stored.size());
  for (PacketSlot* slot : stored) {
    EXPECT_EQ(released.count(slot), 1U);
  }
}

}  // namespace
}  // namespace chorus::media
