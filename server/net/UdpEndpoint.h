#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "media/stats/PacketCounters.h"
#include "media/wire/PacketPool.h"
#include "media/wire/SocketAddress.h"

namespace chorus::server {

// Told about every datagram a UdpEndpoint receives. The receiver may move the packet out of
// `packet` to keep it (a retransmission buffer, a send queue); otherwise its slot is reused.
class DatagramReceiver {
 public:
  virtual ~DatagramReceiver() = default;
  virtual void onDatagram(media::PacketRef& packet, const media::SocketAddress& from) = 0;
  // A receive batch ended: a good moment to flush what the batch made us send.
  virtual void onBatchEnd() = 0;
};

// A shard's UDP socket, read and written in batches: recvmmsg into pool slots when the socket
// is readable, sendmmsg of queued packets when a batch fills or flush() is called. Nothing here
// allocates or locks per packet; kernel drops (SO_RXQ_OVFL) are counted, so loss is never silent.
class UdpEndpoint {
 public:
  static constexpr std::size_t kBatch = 32;

  // Binds at once; `bufferBytes` sizes the kernel's receive and send buffers.
  UdpEndpoint(boost::asio::io_context& context, const boost::asio::ip::udp::endpoint& local,
              std::size_t bufferBytes, media::PacketPool& pool, media::PacketCounters& counters,
              DatagramReceiver& receiver);

  void start();
  // Has the kernel stamp each datagram's arrival (SO_TIMESTAMPNS) into its slot's
  // arrivalRealtimeNs: a load client measures delay from the arrival, not from when its busy
  // loop got round to reading.
  void stampArrivals();
  boost::asio::ip::udp::endpoint localEndpoint() const { return socket_.local_endpoint(); }

  // Queues `packet` for `to`; sends the batch when full. A full kernel buffer drops and counts.
  void send(media::PacketRef packet, const media::SocketAddress& to) noexcept;
  void flush() noexcept;

 private:
  struct Receive {
    std::array<mmsghdr, kBatch> headers{};
    std::array<iovec, kBatch> vectors{};
    std::array<sockaddr_storage, kBatch> from{};
    std::array<media::PacketRef, kBatch> packets;
    // Room for one SO_RXQ_OVFL and one SO_TIMESTAMPNS control message per datagram.
    std::array<std::array<std::uint8_t, 64>, kBatch> control{};
  };
  struct Send {
    std::array<mmsghdr, kBatch> headers{};
    std::array<iovec, kBatch> vectors{};
    std::array<sockaddr_storage, kBatch> to{};
    std::array<media::PacketRef, kBatch> packets;
    std::size_t count = 0;
  };

  void waitReadable();
  void onReadable();
  // Refills empty receive slots from the pool; returns how many slots are ready, packed first.
  std::size_t prepareReceive() noexcept;
  void discardOne() noexcept;
  // Counts kernel drops (SO_RXQ_OVFL) and keeps the arrival stamp (SO_TIMESTAMPNS) in `slot`.
  void readControlMessages(const mmsghdr& header, media::PacketSlot& slot) noexcept;

  boost::asio::ip::udp::socket socket_;
  media::PacketPool& pool_;
  media::PacketCounters& counters_;
  DatagramReceiver& receiver_;
  Receive receive_;
  Send send_;
  std::uint32_t kernelDropsSeen_ = 0;
};

}  // namespace chorus::server
