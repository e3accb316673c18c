#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "media/routing/RouteSpec.h"
#include "media/routing/SpscRing.h"
#include "media/wire/PacketPool.h"

namespace chorus::media {

// A packet one shard lends another: a decrypted RTP packet in the lender's pool, read-only
// until the borrower gives the slot back.
struct LentPacket {
  PacketSlot* slot = nullptr;
  StreamKey stream = 0;
  // When it arrived, since the clock's epoch (a duration: the ring needs a noexcept default).
  std::chrono::steady_clock::duration arrival{};
  // 0: fan the packet out to the stream's subscribers on the peer. Otherwise a retransmission
  // that the subscriber on this transport asked for (a NackRequest), for it alone.
  TransportKey retransmitTo = 0;
};

// A subscriber on the peer shard lost a packet of a stream published on the owner's shard
// (RFC 4585 §6.2.1): the owner looks it up in the stream's RetransmissionBuffer and lends it
// back for that subscriber alone.
struct NackRequest {
  StreamKey stream = 0;
  TransportKey subscriber = 0;
  std::uint16_t sourceSequence = 0;  // already mapped back by the subscriber's rewriter
};

// A publisher's sender report (RFC 3550 §6.4.1) for a stream with subscribers on the peer shard:
// the peer's SRs to them carry its NTP/RTP pair forward, as the owner's do for its own.
struct RelayedSenderReport {
  StreamKey stream = 0;
  std::uint32_t ssrc = 0;  // the publisher's, whose timestamps the pair is in
  std::uint64_t ntpTimestamp = 0;
  std::uint32_t rtpTimestamp = 0;
  // When it arrived, since the clock's epoch (a duration: the ring needs a noexcept default).
  std::chrono::steady_clock::duration arrival{};
};

// The rings from one shard (the owner) to another (the peer), each with one producer thread and
// one consumer thread, so no lock is taken (docs/architecture.md, "Routing between shards").
struct ShardLink {
  static constexpr std::size_t kCapacity = 1024;

  SpscRing<LentPacket, kCapacity> packets;          // owner → peer
  SpscRing<PacketSlot*, kCapacity> returns;         // peer → owner: slots the peer has copied
  SpscRing<StreamKey, 256> keyframeRequests;        // peer → owner: streams its subscribers need
  SpscRing<NackRequest, 512> nackRequests;          // peer → owner: packets its subscribers lost
  SpscRing<RelayedSenderReport, 64> senderReports;  // owner → peer: publishers' SRs

  // The owner lends at most kCapacity slots at once, so `returns` can never be full.
  std::size_t lent = 0;  // touched only by the owner
};

}  // namespace chorus::media
