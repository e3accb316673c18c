#include "benchmarks/load/ClientTransport.h"

#include <algorithm>

#include "benchmarks/load/ReceiveTracker.h"
#include "media/security/DtlsCertificate.h"
#include "media/wire/PacketKind.h"
#include "media/wire/RtpPacketView.h"

namespace chorus::bench {
namespace {

constexpr std::chrono::milliseconds kCheckInterval{50};
constexpr std::size_t kSocketBufferBytes = std::size_t{1} << 20U;

}  // namespace

ClientTransport::ClientTransport(const TransportContext& context, ReceiveTracker* tracker,
                                 RtcpObserver* observer)
    : context_(context),
      tracker_(tracker),
      observer_(observer),
      localIce_(media::IceCredentials::generate()),
      endpoint_(context.io,
                boost::asio::ip::udp::endpoint(boost::asio::ip::address_v4::loopback(), 0),
                kSocketBufferBytes, context.pool, context.counters, *this) {
  endpoint_.start();
}

ClientTransport::~ClientTransport() = default;

const media::DtlsFingerprint& ClientTransport::fingerprint() const {
  return context_.certificate.fingerprint();
}

void ClientTransport::connect(const RemoteTransport& server, TimePoint now) {
  if (client_ != nullptr) {
    return;  // a re-offer on a connected transport changes its streams, not its path
  }
  server_ = server.address;
  test::WebRtcTestClientConfig config;
  config.localIce = localIce_;
  config.serverIce = server.ice;
  config.serverFingerprint = server.fingerprint;
  config.dtlsRole = server.serverIsDtlsClient ? media::DtlsRole::kServer : media::DtlsRole::kClient;
  // One suite for every server compared (issue 8): offered alone, it is the one negotiated
  // whichever side is the DTLS server (RFC 5764 §4.1.1).
  config.srtpProfiles = {media::SrtpProfile::kAeadAes128Gcm};
  test::ClientDatagramSink& sink = *this;
  client_ = std::make_unique<test::WebRtcTestClient>(config, context_.certificate, sink);
  nextCheck_ = now;
  onTick(now);
}

void ClientTransport::onTick(TimePoint now) {
  if (client_ == nullptr) {
    return;
  }
  if (!client_->nominated() && now >= nextCheck_) {
    client_->sendCheck(now, true);
    nextCheck_ = now + kCheckInterval;
  }
  client_->onTimer(now);
  client_->takeAnswers();
}

void ClientTransport::sendRtp(std::span<const std::uint8_t> plaintext) {
  if (client_ == nullptr || !client_->sendRtp(plaintext)) {
    ++sendFailures_;
  }
}

void ClientTransport::sendRtcp(std::span<const std::uint8_t> plaintext) {
  if (client_ == nullptr || !client_->sendRtcp(plaintext)) {
    ++sendFailures_;
  }
}

void ClientTransport::onDatagram(media::PacketRef& packet, const media::SocketAddress& /*from*/) {
  if (client_ == nullptr) {
    return;
  }
  const auto bytes = packet->data();
  const auto now = std::chrono::steady_clock::now();
  const media::PacketKind kind = media::classifyPacket(bytes);
  if (kind == media::PacketKind::kRtp && tracker_ != nullptr && client_->connected()) {
    const auto view = media::RtpPacketView::parse(bytes);
    if (view && !tracker_->onRtp(*view, bytes.size(), now.time_since_epoch())) {
      return;
    }
  }
  client_->onDatagram(bytes, now);
  takeDecrypted(now);
}

void ClientTransport::takeDecrypted(TimePoint arrived) {
  for (auto& rtp : client_->takeRtp()) {
    if (const auto view = media::RtpPacketView::parse(rtp); view && tracker_ != nullptr) {
      tracker_->onDecrypted(*view, arrived.time_since_epoch());
    }
  }
  for (const auto& rtcp : client_->takeRtcp()) {
    if (observer_ != nullptr) {
      observer_->onRtcp(rtcp);
    }
  }
}

void ClientTransport::sendDatagram(std::span<const std::uint8_t> datagram) {
  media::PacketRef packet = context_.pool.acquire();
  if (!packet || datagram.size() > media::PacketSlot::kCapacity) {
    ++sendFailures_;
    return;
  }
  std::copy(datagram.begin(), datagram.end(), packet->bytes.begin());
  packet->length = datagram.size();
  endpoint_.send(std::move(packet), server_);
}

}  // namespace chorus::bench
