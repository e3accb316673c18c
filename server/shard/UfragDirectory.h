#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace chorus::server {

// Which shard owns each local ICE ufrag, for the one place that must find a transport from
// outside its shard: the ICE-TCP listener, which reads a connection's first STUN request on
// the control thread and hands the connection to the shard whose transport it names. Shards
// write it when a transport is added, removed or restarts ICE; the listener reads it once per
// new connection. Both are connection setup, never the per-packet path, so a mutex is right.
class UfragDirectory {
 public:
  void add(const std::string& ufrag, unsigned shard);
  // Forgets `ufrag` if `shard` still owns it.
  void remove(const std::string& ufrag, unsigned shard);
  std::optional<unsigned> shardOf(std::string_view ufrag) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, unsigned> shards_;
};

}  // namespace chorus::server
