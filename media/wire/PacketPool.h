#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace chorus::media {

// One packet's memory: room for the largest datagram a WebRTC peer sends on an Ethernet path
// plus SRTP's tag and SRTCP trailer, rounded to a cache-friendly size.
struct PacketSlot {
  static constexpr std::size_t kCapacity = 2048;

  alignas(64) std::array<std::uint8_t, kCapacity> bytes{};  // zeroed once, when the pool is made
  std::size_t length = 0;
  // While the slot is handed to other shards read-only: how many have not given it back yet.
  // Only the owning shard's thread touches it (media/routing/Router).
  std::uint32_t holders = 0;
  // When the kernel received the datagram (CLOCK_REALTIME, ns since the epoch), from
  // SO_TIMESTAMPNS on sockets that ask for it (server/net's UdpEndpoint::stampArrivals); 0
  // otherwise.
  std::int64_t arrivalRealtimeNs = 0;

  std::span<std::uint8_t> data() { return {bytes.data(), length}; }
  std::span<const std::uint8_t> data() const { return {bytes.data(), length}; }
};

class PacketPool;

// Owns one slot until destroyed or moved from, then gives it back to its pool. Move-only.
class PacketRef {
 public:
  PacketRef() = default;
  PacketRef(PacketPool& pool, PacketSlot& slot) : pool_(&pool), slot_(&slot) {}
  PacketRef(PacketRef&& other) noexcept
      : pool_(std::exchange(other.pool_, nullptr)), slot_(std::exchange(other.slot_, nullptr)) {}
  PacketRef& operator=(PacketRef&& other) noexcept;
  PacketRef(const PacketRef&) = delete;
  PacketRef& operator=(const PacketRef&) = delete;
  ~PacketRef() { reset(); }

  void reset() noexcept;
  // Gives up ownership without releasing: the caller returns the slot with
  // PacketPool::giveBack() (the router does, once every shard it lent the slot to is done).
  PacketSlot* detach() noexcept {
    pool_ = nullptr;
    return std::exchange(slot_, nullptr);
  }
  explicit operator bool() const { return slot_ != nullptr; }
  PacketSlot& operator*() const { return *slot_; }
  PacketSlot* operator->() const { return slot_; }

 private:
  PacketPool* pool_ = nullptr;
  PacketSlot* slot_ = nullptr;
};

// A shard's packet memory: a fixed number of slots allocated once, handed out and taken back
// without touching the heap. Single-threaded, like everything a shard owns. An empty pool is
// back-pressure: the caller drops the packet and counts it, rather than allocating more.
class PacketPool {
 public:
  explicit PacketPool(std::size_t slots);

  // A free slot with length 0, or an empty ref when every slot is in use.
  PacketRef acquire() noexcept;

  // Takes back a slot a PacketRef detached from this pool.
  void giveBack(PacketSlot& slot) noexcept { release(slot); }

  std::size_t capacity() const { return capacity_; }
  std::size_t available() const { return free_.size(); }

 private:
  friend class PacketRef;
  void release(PacketSlot& slot) noexcept;

  std::size_t capacity_;
  std::unique_ptr<PacketSlot[]> slots_;  // NOLINT(*-avoid-c-arrays): one block, fixed size
  std::vector<PacketSlot*> free_;        // capacity reserved up front; push/pop never allocate
};

}  // namespace chorus::media
