#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "server/shard/UfragDirectory.h"

namespace chorus::server {
namespace {

TEST(UfragDirectoryTest, FindsTheShardThatAddedAUfrag) {
  UfragDirectory directory;
  directory.add("abcd", 1);
  directory.add("efgh", 0);
  EXPECT_EQ(directory.shardOf("abcd"), 1U);
  EXPECT_EQ(directory.shardOf("efgh"), 0U);
  EXPECT_EQ(directory.shardOf("abc"), std::nullopt);
  EXPECT_EQ(directory.shardOf(""), std::nullopt);
}

TEST(UfragDirectoryTest, RemoveForgetsOnlyWhatTheShardStillOwns) {
  UfragDirectory directory;
  directory.add("abcd", 1);
  directory.remove("abcd", 0);  // another shard's stale removal
  EXPECT_EQ(directory.shardOf("abcd"), 1U);
  directory.remove("abcd", 1);
  EXPECT_EQ(directory.shardOf("abcd"), std::nullopt);
  directory.remove("abcd", 1);  // twice is harmless
  EXPECT_EQ(directory.shardOf("abcd"), std::nullopt);
}

// Shards write while the listener reads; ThreadSanitizer (make tsan) checks the locking.
TEST(UfragDirectoryTest, ConcurrentWritersAndAReaderAgreeAtTheEnd) {
  UfragDirectory directory;
  constexpr unsigned kWriters = 4;
  constexpr int kUfrags = 500;
  std::vector<std::thread> threads;
  for (unsigned shard = 0; shard < kWriters; ++shard) {
    threads.emplace_back([&directory, shard] {
      for (int i = 0; i < kUfrags; ++i) {
        const std::string ufrag = std::to_string(shard) + "-" + std::to_string(i);
        directory.add(ufrag, shard);
        if (i % 2 == 1) {
          directory.remove(ufrag, shard);
        }
      }
    });
  }
  threads.emplace_back([&directory] {
    for (int i = 0; i < kUfrags; ++i) {
      const auto shard = directory.shardOf("0-" + std::to_string(i));
      EXPECT_TRUE(!shard || *shard == 0U);
    }
  });
  for (auto& thread : threads) {
    thread.join();
  }
  for (unsigned shard = 0; shard < kWriters; ++shard) {
    EXPECT_EQ(directory.shardOf(std::to_string(shard) + "-2"), shard);
    EXPECT_EQ(directory.shardOf(std::to_string(shard) + "-3"), std::nullopt);
  }
}

}  // namespace
}  // namespace chorus::server
