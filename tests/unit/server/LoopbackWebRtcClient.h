#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <poll.h>
#include <span>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "media/wire/SocketAddress.h"
#include "tests/support/WebRtcTestClient.h"

namespace chorus::server {

// A WebRtcTestClient on its own UDP socket on loopback, driven from the test's thread: what a
// browser on the same machine would send a shard, through the kernel and the shard's batched
// receive path. Waits are bounded polls of the socket, never sleeps.
class LoopbackWebRtcClient final : private test::ClientDatagramSink {
 public:
  using Clock = std::chrono::steady_clock;

  LoopbackWebRtcClient(const test::WebRtcTestClientConfig& config,
                       const media::DtlsCertificate& certificate,
                       boost::asio::ip::udp::endpoint server)
      : socket_(context_,
                boost::asio::ip::udp::endpoint(boost::asio::ip::address_v4::loopback(), 0)),
        server_(std::move(server)),
        client_(config, certificate, *this) {
    socket_.non_blocking(true);
  }

  test::WebRtcTestClient& client() { return client_; }

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
      boost::system::error_code error;
      const std::size_t size = socket_.receive(boost::asio::buffer(buffer_), 0, error);
      if (error) {
        return;
      }
      client_.onDatagram(std::span(buffer_).first(size), Clock::now());
    }
  }

  boost::asio::io_context context_;
  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::endpoint server_;
  test::WebRtcTestClient client_;
  std::array<std::uint8_t, 2048> buffer_{};
};

}  // namespace chorus::server
