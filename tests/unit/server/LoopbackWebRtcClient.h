#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <poll.h>
#include <span>
#include <sys/socket.h>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "media/wire/SocketAddress.h"
#include "tests/support/WebRtcTestClient.h"

namespace chorus::server {

// A WebRtcTestClient on its own UDP socket on loopback, driven from the test's thread: what a
// browser on the same machine would send a shard, through the kernel and the shard's batched
// receive path. Waits are bounded polls of the socket, never sleeps. What the kernel drops for
// want of room in the client's receive buffer is counted (SO_RXQ_OVFL), as the shards count it.
class LoopbackWebRtcClient final : private test::ClientDatagramSink {
 public:
  using Clock = std::chrono::steady_clock;

  LoopbackWebRtcClient(const test::WebRtcTestClientConfig& config,
                       const media::DtlsCertificate& certificate,
                       boost::asio::ip::udp::endpoint server, std::size_t receiveBufferBytes = 0)
      : socket_(context_,
                boost::asio::ip::udp::endpoint(boost::asio::ip::address_v4::loopback(), 0)),
        server_(std::move(server)),
        client_(config, certificate, *this) {
    socket_.non_blocking(true);
    if (receiveBufferBytes != 0) {
      socket_.set_option(
          boost::asio::socket_base::receive_buffer_size(static_cast<int>(receiveBufferBytes)));
    }
    const int enable = 1;
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RXQ_OVFL, &enable, sizeof(enable));
  }

  test::WebRtcTestClient& client() { return client_; }
  // The socket, for a benchmark that reads what arrives itself (after the handshake).
  int socketHandle() { return socket_.native_handle(); }

  // Datagrams for this client the kernel dropped, its receive buffer full, as far as the
  // datagrams received since tell (SO_RXQ_OVFL rides on each received datagram).
  std::uint32_t kernelDrops() const { return kernelDrops_; }

  // The address the shard sees the client's datagrams come from.
  media::SocketAddress localAddress() const {
    const auto local = socket_.local_endpoint();
    return media::SocketAddress::ipv4(local.address().to_v4().to_bytes(), local.port());
  }

  // Hands the client what arrives and runs its timer until `done()` holds or `limit` passes.
  template <typename Done>
  bool driveUntil(Done done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = Clock::now() + limit;
    while (!done()) {
      const auto now = Clock::now();
      if (now >= deadline) {
        return false;
      }
      receive(std::min<Clock::duration>(deadline - now, std::chrono::milliseconds(20)));
      client_.onTimer(Clock::now());
    }
    return true;
  }

  // Hands the client what arrives within `wait` (nothing waits when it is zero), then runs its
  // timer once.
  void drive(std::chrono::milliseconds wait) {
    receive(wait);
    client_.onTimer(Clock::now());
  }

  // ICE with a nominating check, then DTLS-SRTP; checks again should an answer be lost.
  bool connect() {
    for (int attempt = 0; attempt < 5 && !client_.connected(); ++attempt) {
      client_.sendCheck(Clock::now());
      driveUntil([this] { return client_.connected(); }, std::chrono::seconds(2));
    }
    return client_.connected();
  }

 private:
  void sendDatagram(std::span<const std::uint8_t> datagram) override {
    boost::system::error_code ignored;
    socket_.send_to(boost::asio::buffer(datagram.data(), datagram.size()), server_, 0, ignored);
  }

  // Waits up to `limit` for the socket to be readable, then gives the client every datagram
  // waiting in it.
  void receive(Clock::duration limit) {
    pollfd readable{socket_.native_handle(), POLLIN, 0};
    const auto milliseconds = std::chrono::ceil<std::chrono::milliseconds>(limit).count();
    if (::poll(&readable, 1, static_cast<int>(milliseconds)) <= 0) {
      return;
    }
    for (;;) {
      iovec vector{buffer_.data(), buffer_.size()};
      msghdr message{};
      message.msg_iov = &vector;
      message.msg_iovlen = 1;
      message.msg_control = control_.data();
      message.msg_controllen = control_.size();
      const ssize_t size = ::recvmsg(socket_.native_handle(), &message, MSG_DONTWAIT);
      if (size < 0) {
        return;
      }
      countKernelDrops(message);
      client_.onDatagram(std::span(buffer_).first(static_cast<std::size_t>(size)), Clock::now());
    }
  }

  // SO_RXQ_OVFL: the socket's running count of drops, carried by each datagram received.
  void countKernelDrops(msghdr& message) {
    for (cmsghdr* control = CMSG_FIRSTHDR(&message); control != nullptr;
         control = CMSG_NXTHDR(&message, control)) {
      if (control->cmsg_level == SOL_SOCKET && control->cmsg_type == SO_RXQ_OVFL) {
        std::memcpy(&kernelDrops_, CMSG_DATA(control), sizeof(kernelDrops_));
      }
    }
  }

  boost::asio::io_context context_;
  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::endpoint server_;
  test::WebRtcTestClient client_;
  std::array<std::uint8_t, 2048> buffer_{};
  alignas(cmsghdr) std::array<std::uint8_t, CMSG_SPACE(sizeof(std::uint32_t))> control_{};
  std::uint32_t kernelDrops_ = 0;
};

}  // namespace chorus::server
