#pragma once

#include <vector>

#include <prometheus/collectable.h>

#include "server/net/IceTcpListener.h"
#include "server/shard/ShardPool.h"

namespace chorus::server {

// ICE-TCP at scrape time: how the listener's connections ended before a shard took them, how
// many the shards hold, and why those closed. The packets themselves are counted with the
// UDP datagrams (ShardCollector), by kind and drop reason.
class IceTcpCollector : public prometheus::Collectable {
 public:
  IceTcpCollector(const IceTcpListener& listener, const ShardPool& shards)
      : listener_(listener), shards_(shards) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const IceTcpListener& listener_;
  const ShardPool& shards_;
};

}  // namespace chorus::server
