#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>

#include <boost/asio/io_context.hpp>

#include "benchmarks/load/BrowserSdp.h"
#include "media/ice/IceCredentials.h"
#include "media/stats/PacketCounters.h"
#include "media/wire/PacketPool.h"
#include "media/wire/StunIntegrityKey.h"
#include "server/net/UdpEndpoint.h"
#include "tests/support/WebRtcTestClient.h"

namespace chorus::media {
class DtlsCertificate;
}  // namespace chorus::media

namespace chorus::bench {

class ReceiveTracker;

// Told about the RTCP the server sends on a transport, decrypted.
class RtcpObserver {
 public:
  virtual ~RtcpObserver() = default;
  virtual void onRtcp(std::span<const std::uint8_t> compound) = 0;
};

// What a loop's transports share: its io_context, packet memory and socket counters, and the
// DTLS identity every client of the process presents.
struct TransportContext {
  boost::asio::io_context& io;
  media::PacketPool& pool;
  media::PacketCounters& counters;
  const media::DtlsCertificate& certificate;
};

// One of a participant's WebRTC transports (a browser's RTCPeerConnection) on its own loopback
// UDP socket, read and written in batches by server/net's UdpEndpoint. The WebRTC side is the
// tests' WebRtcTestClient, built on media/: ICE checks as the controlling agent (resent every
// 50 ms until one nominating check is answered), DTLS as the client, then SRTP. Received RTP
// goes to the ReceiveTracker from its clear header; only the packets it picks are decrypted.
class ClientTransport final : private server::DatagramReceiver, private test::ClientDatagramSink {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  ClientTransport(const TransportContext& context, ReceiveTracker* tracker, RtcpObserver* observer);
  ClientTransport(const ClientTransport&) = delete;
  ClientTransport& operator=(const ClientTransport&) = delete;
  ~ClientTransport() override;

  const media::IceCredentials& localIce() const { return localIce_; }
  const media::DtlsFingerprint& fingerprint() const;
  // The socket's address: the transport's one host candidate.
  media::SocketAddress localAddress() const;

  // The server's answer (or offer) is known: start checking it.
  void connect(const RemoteTransport& server, TimePoint now);
  void onTick(TimePoint now);
  bool connected() const { return client_ != nullptr && client_->connected(); }

  void sendRtp(std::span<const std::uint8_t> plaintext);
  void sendRtcp(std::span<const std::uint8_t> plaintext);
  void flush() { endpoint_.flush(); }

  std::uint64_t sendFailures() const { return sendFailures_; }
  std::uint64_t rejectedSrtp() const { return client_ ? client_->rejectedSrtp() : 0; }

 private:
  // server::DatagramReceiver
  void onDatagram(media::PacketRef& packet, const media::SocketAddress& from) override;
  void onBatchEnd() override { endpoint_.flush(); }
  // test::ClientDatagramSink
  void sendDatagram(std::span<const std::uint8_t> datagram) override;

  void takeDecrypted(TimePoint arrived);
  // Answers the server's connectivity check; false when `bytes` is not a Binding request.
  bool answerCheck(std::span<const std::uint8_t> bytes, const media::SocketAddress& from);

  const TransportContext& context_;
  ReceiveTracker* tracker_;
  RtcpObserver* observer_;
  media::IceCredentials localIce_;
  media::StunIntegrityKey localKey_;
  server::UdpEndpoint endpoint_;
  media::SocketAddress server_{};
  std::unique_ptr<test::WebRtcTestClient> client_;
  TimePoint nextCheck_{};
  std::uint64_t sendFailures_ = 0;
};

}  // namespace chorus::bench
