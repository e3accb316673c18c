#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "media/stats/FixedHistogram.h"
#include "media/stats/RelaxedCounter.h"
#include "media/wire/PacketKind.h"

namespace chorus::media {

// Why a shard dropped a datagram. Every drop has a reason and a counter.
enum class DropReason : std::uint8_t {
  kUnclassified,         // not STUN, DTLS, RTP or RTCP by RFC 7983
  kUnknownPeer,          // from a 5-tuple no transport on this shard owns
  kTruncated,            // larger than a packet slot: no WebRTC peer sends that
  kPoolExhausted,        // no free packet slot: the shard is overloaded
  kSocketOverflow,       // dropped by the kernel, receive buffer full (SO_RXQ_OVFL)
  kSendFailed,           // the kernel refused to send: buffer full or destination unreachable
  kStunMalformed,        // not a STUN message we can read (StunRejectReason)
  kStunUnauthenticated,  // bad or missing USERNAME, MESSAGE-INTEGRITY or FINGERPRINT
  kStunUnexpected,       // a STUN response or indication: an ICE-lite agent sends no requests
  kDtlsRejected,         // not a DTLS record, or for a transport whose DTLS has ended
  kSrtpNotReady,         // RTP or RTCP before DTLS-SRTP completed
  kSrtpAuth,             // SRTP/SRTCP authentication failed
  kSrtpReplay,           // SRTP/SRTCP replayed or older than the replay window
  kSrtpMalformed,        // too short, unencrypted SRTCP, too many SSRCs, ...
  kNoPath,               // media to send before ICE selected a path
  kTcpBackpressure,      // an ICE-TCP connection's send queue is full: the peer reads too slowly
  kTcpClosed,            // to a peer whose ICE-TCP connection has closed
  kNoTransport,          // media routed to a transport already removed from the shard
};
inline constexpr std::size_t kDropReasonCount = 18;
inline constexpr std::size_t kPacketKindCount = 5;

std::string_view toString(DropReason reason) noexcept;

// Datagrams per receive batch (recvmmsg reads at most 64).
inline constexpr std::array<double, 7> kBatchBounds{1, 2, 4, 8, 16, 32, 64};

// What one shard counted; written only by its thread, summed by the metrics scrape.
struct PacketCounters {
  std::array<RelaxedCounter, kPacketKindCount> datagramsReceived;  // by PacketKind
  RelaxedCounter bytesReceived;
  RelaxedCounter datagramsSent;
  std::array<RelaxedCounter, kPacketKindCount> datagramsSentByKind;  // by PacketKind
  RelaxedCounter bytesSent;
  std::array<RelaxedCounter, kDropReasonCount> datagramsDropped;  // by DropReason
  // RTP and RTCP packets that passed SRTP/SRTCP authentication and decryption.
  RelaxedCounter rtpReceived;
  RelaxedCounter rtcpReceived;
  FixedHistogram receiveBatches{kBatchBounds};  // datagrams per batch the socket gave

  void countReceived(PacketKind kind, std::size_t bytes) noexcept {
    datagramsReceived[static_cast<std::size_t>(kind)].add();
    bytesReceived.add(bytes);
  }
  void countSent(std::span<const std::uint8_t> datagram) noexcept {
    datagramsSent.add();
    datagramsSentByKind[static_cast<std::size_t>(classifyPacket(datagram))].add();
    bytesSent.add(datagram.size());
  }
  void countDrop(DropReason reason) noexcept {
    datagramsDropped[static_cast<std::size_t>(reason)].add();
  }
};

}  // namespace chorus::media
