#include "server/shard/UfragDirectory.h"

namespace chorus::server {

void UfragDirectory::add(const std::string& ufrag, unsigned shard) {
  const std::lock_guard lock(mutex_);
  shards_[ufrag] = shard;
}

void UfragDirectory::remove(const std::string& ufrag, unsigned shard) {
  const std::lock_guard lock(mutex_);
  if (const auto found = shards_.find(ufrag); found != shards_.end() && found->second == shard) {
    shards_.erase(found);
  }
}

std::optional<unsigned> UfragDirectory::shardOf(std::string_view ufrag) const {
  const std::string key(ufrag);
  const std::lock_guard lock(mutex_);
  const auto found = shards_.find(key);
  if (found == shards_.end()) {
    return std::nullopt;
  }
  return found->second;
}

}  // namespace chorus::server
