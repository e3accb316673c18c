#pragma once

#include <vector>

#include <prometheus/collectable.h>

#include "signaling/room/RoomRegistry.h"

namespace chorus::server {

// Rooms and participants at scrape time. The registry belongs to the control thread, which is
// also the thread that serves /metrics, so it is read directly.
class RoomCollector : public prometheus::Collectable {
 public:
  explicit RoomCollector(const signaling::RoomRegistry& rooms) : rooms_(rooms) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const signaling::RoomRegistry& rooms_;
};

}  // namespace chorus::server
