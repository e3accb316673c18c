#include "server/net/UdpEndpoint.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <netinet/in.h>

#include "server/net/Sockaddr.h"

namespace chorus::server {
namespace {

// Bounded work per wake-up, so one busy socket cannot starve the shard's timers.
constexpr int kMaxBatchesPerWakeup = 8;

// Tries the privileged *FORCE variant first (beyond net.core.rmem_max), then the plain one.
void setBuffer(int fd, int forceOption, int option, std::size_t bytes) {
  const int value = static_cast<int>(bytes);
  if (setsockopt(fd, SOL_SOCKET, forceOption, &value, sizeof(value)) != 0) {
    setsockopt(fd, SOL_SOCKET, option, &value, sizeof(value));
  }
}

}  // namespace

UdpEndpoint::UdpEndpoint(boost::asio::io_context& context,
                         const boost::asio::ip::udp::endpoint& local, std::size_t bufferBytes,
                         media::PacketPool& pool, media::PacketCounters& counters,
                         DatagramReceiver& receiver)
    : socket_(context, local), pool_(pool), counters_(counters), receiver_(receiver) {
  socket_.non_blocking(true);
  const int fd = socket_.native_handle();
  setBuffer(fd, SO_RCVBUFFORCE, SO_RCVBUF, bufferBytes);
  setBuffer(fd, SO_SNDBUFFORCE, SO_SNDBUF, bufferBytes);
  const int enable = 1;
  setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &enable, sizeof(enable));
}

void UdpEndpoint::start() {
  waitReadable();
}

void UdpEndpoint::stampArrivals() {
  const int enable = 1;
  setsockopt(socket_.native_handle(), SOL_SOCKET, SO_TIMESTAMPNS, &enable, sizeof(enable));
}

void UdpEndpoint::waitReadable() {
  socket_.async_wait(boost::asio::ip::udp::socket::wait_read,
                     [this](const boost::system::error_code& error) {
                       if (!error) {
                         onReadable();
                         waitReadable();
                       }
                     });
}

std::size_t UdpEndpoint::prepareReceive() noexcept {
  std::size_t ready = 0;
  for (std::size_t i = 0; i < kBatch; ++i) {
    if (!receive_.packets[i]) {
      receive_.packets[i] = pool_.acquire();
    }
    if (receive_.packets[i]) {
      std::swap(receive_.packets[ready], receive_.packets[i]);
      ++ready;
    }
  }
  for (std::size_t i = 0; i < ready; ++i) {
    receive_.vectors[i] = {receive_.packets[i]->bytes.data(), media::PacketSlot::kCapacity};
    msghdr& message = receive_.headers[i].msg_hdr;
    message = {};
    message.msg_name = &receive_.from[i];
    message.msg_namelen = sizeof(sockaddr_storage);
    message.msg_iov = &receive_.vectors[i];
    message.msg_iovlen = 1;
    message.msg_control = receive_.control[i].data();
    message.msg_controllen = receive_.control[i].size();
  }
  return ready;
}

void UdpEndpoint::onReadable() {
  const int fd = socket_.native_handle();
  for (int round = 0; round < kMaxBatchesPerWakeup; ++round) {
    const std::size_t ready = prepareReceive();
    if (ready == 0) {
      discardOne();
      continue;
    }
    const int received =
        recvmmsg(fd, receive_.headers.data(), static_cast<unsigned>(ready), MSG_DONTWAIT, nullptr);
    if (received <= 0) {
      break;  // EAGAIN: drained
    }
    counters_.receiveBatches.observe(received);
    for (std::size_t i = 0; i < static_cast<std::size_t>(received); ++i) {
      const mmsghdr& header = receive_.headers[i];
      readControlMessages(header, *receive_.packets[i]);
      if ((header.msg_hdr.msg_flags & MSG_TRUNC) != 0) {
        counters_.countDrop(media::DropReason::kTruncated);
        continue;
      }
      receive_.packets[i]->length = header.msg_len;
      receiver_.onDatagram(receive_.packets[i], toSocketAddress(receive_.from[i]));
    }
    receiver_.onBatchEnd();
    if (static_cast<std::size_t>(received) < ready) {
      break;
    }
  }
  flush();
}

// The pool is empty: read one datagram into the void so the socket does not stay readable
// forever, and count it.
void UdpEndpoint::discardOne() noexcept {
  std::array<std::uint8_t, 1> sink{};
  if (recv(socket_.native_handle(), sink.data(), sink.size(), MSG_DONTWAIT | MSG_TRUNC) >= 0) {
    counters_.countDrop(media::DropReason::kPoolExhausted);
  }
}

// SO_RXQ_OVFL: the kernel reports, with each datagram, how many it has dropped on this socket
// so far for want of buffer space. SO_TIMESTAMPNS, where asked for: when the datagram arrived.
void UdpEndpoint::readControlMessages(const mmsghdr& header, media::PacketSlot& slot) noexcept {
  slot.arrivalRealtimeNs = 0;
  msghdr message = header.msg_hdr;
  for (cmsghdr* control = CMSG_FIRSTHDR(&message); control != nullptr;
       control = CMSG_NXTHDR(&message, control)) {
    if (control->cmsg_level == SOL_SOCKET && control->cmsg_type == SO_TIMESTAMPNS) {
      timespec stamp{};
      std::memcpy(&stamp, CMSG_DATA(control), sizeof(stamp));
      slot.arrivalRealtimeNs = std::int64_t{stamp.tv_sec} * 1'000'000'000 + stamp.tv_nsec;
    } else if (control->cmsg_level == SOL_SOCKET && control->cmsg_type == SO_RXQ_OVFL) {
      std::uint32_t dropped = 0;
      std::memcpy(&dropped, CMSG_DATA(control), sizeof(dropped));
      if (dropped != kernelDropsSeen_) {
        counters_.datagramsDropped[static_cast<std::size_t>(media::DropReason::kSocketOverflow)]
            .add(dropped - kernelDropsSeen_);
        kernelDropsSeen_ = dropped;
      }
    }
  }
}

void UdpEndpoint::send(media::PacketRef packet, const media::SocketAddress& to) noexcept {
  const std::size_t i = send_.count++;
  send_.packets[i] = std::move(packet);
  send_.vectors[i] = {send_.packets[i]->bytes.data(), send_.packets[i]->length};
  msghdr& message = send_.headers[i].msg_hdr;
  message = {};
  message.msg_name = &send_.to[i];
  message.msg_namelen = toSockaddr(to, send_.to[i]);
  message.msg_iov = &send_.vectors[i];
  message.msg_iovlen = 1;
  if (send_.count == kBatch) {
    flush();
  }
}

void UdpEndpoint::flush() noexcept {
  std::size_t sent = 0;
  while (sent < send_.count) {
    const int count = sendmmsg(socket_.native_handle(), send_.headers.data() + sent,
                               static_cast<unsigned>(send_.count - sent), MSG_DONTWAIT);
    if (count > 0) {
      for (std::size_t i = sent; i < sent + static_cast<std::size_t>(count); ++i) {
        counters_.countSent(send_.packets[i]->data());
      }
      sent += static_cast<std::size_t>(count);
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
      // The kernel's send buffer is full: what is left of the batch is dropped, counted.
      counters_.datagramsDropped[static_cast<std::size_t>(media::DropReason::kSendFailed)].add(
          send_.count - sent);
      break;
    }
    // This one destination failed (an earlier ICMP unreachable, say): drop it, send the rest.
    counters_.countDrop(media::DropReason::kSendFailed);
    ++sent;
  }
  for (std::size_t i = 0; i < send_.count; ++i) {
    send_.packets[i].reset();
  }
  send_.count = 0;
}

}  // namespace chorus::server
