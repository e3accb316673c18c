#include "benchmarks/load/ClientTransport.h"

#include <algorithm>

#include "benchmarks/load/ArrivalTime.h"
#include "benchmarks/load/ReceiveTracker.h"
#include "media/security/DtlsCertificate.h"
#include "media/wire/PacketKind.h"
#include "media/wire/RtpPacketView.h"
#include "media/wire/StunMessage.h"
#include "media/wire/StunMessageBuilder.h"

namespace chorus::bench {
namespace {

constexpr std::chrono::milliseconds kCheckInterval{50};
constexpr std::chrono::seconds kConsentInterval{5};
constexpr std::size_t kSocketBufferBytes = std::size_t{1} << 20U;

}  // namespace

ClientTransport::ClientTransport(const TransportContext& context, ReceiveTracker* tracker,
                                 RtcpObserver* observer)
    : context_(context),
      tracker_(tracker),
      observer_(observer),
      localIce_(media::IceCredentials::generate()),
      localKey_(std::string_view(localIce_.pwd)),
      endpoint_(context.io,
                boost::asio::ip::udp::endpoint(boost::asio::ip::address_v4::loopback(), 0),
                kSocketBufferBytes, context.pool, context.counters, *this) {
  endpoint_.stampArrivals();
  endpoint_.start();
}

ClientTransport::~ClientTransport() = default;

const media::DtlsFingerprint& ClientTransport::fingerprint() const {
  return context_.certificate.fingerprint();
}

media::SocketAddress ClientTransport::localAddress() const {
  const auto local = endpoint_.localEndpoint();
  return media::SocketAddress::ipv4(local.address().to_v4().to_bytes(), local.port());
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
  // Janus leaves the first ClientHello unanswered (it comes, it seems, before Janus's own check
  // of the pair has succeeded); at OpenSSL's 1 s first retransmission that cost every Janus
  // join a second. Chorus answers the
  // first one, so the shorter timer changes nothing there.
  config.dtls.initialRetransmitTimeout = std::chrono::milliseconds(50);
  test::ClientDatagramSink& sink = *this;
  client_ = std::make_unique<test::WebRtcTestClient>(config, context_.certificate, sink);
  nextCheck_ = now;
  onTick(now);
}

void ClientTransport::onTick(TimePoint now) {
  if (client_ == nullptr) {
    return;
  }
  if (now >= nextCheck_) {
    // Nominating checks go on until DTLS-SRTP is up, not only until one is answered: a
    // browser keeps checking, and Janus's ICE-lite agent (libnice) only selects a pair after a
    // later check. RFC 7675 §5.1: after that, a check every 4-6 s keeps consent fresh; without
    // one the server closes the transport after its consent timeout (30 s).
    const bool connected = client_->connected();
    client_->sendCheck(now, !connected);
    nextCheck_ = now + (connected ? kConsentInterval : kCheckInterval);
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

void ClientTransport::onDatagram(media::PacketRef& packet, const media::SocketAddress& from) {
  if (client_ == nullptr) {
    return;
  }
  const auto bytes = packet->data();
  const auto now = arrivalTime(*packet);
  const media::PacketKind kind = media::classifyPacket(bytes);
  if (kind == media::PacketKind::kStun && answerCheck(bytes, from)) {
    return;
  }
  if (kind == media::PacketKind::kRtp && tracker_ != nullptr && client_->connected()) {
    const auto view = media::RtpPacketView::parse(bytes);
    if (view && !tracker_->onRtp(*view, bytes.size(), now.time_since_epoch())) {
      return;
    }
  }
  client_->onDatagram(bytes, now);
  takeDecrypted(now);
}

// RFC 8445 §7.3.1.4: a Binding request signed with our password gets a signed success
// carrying its source address. Chorus never checks a client; Janus's libnice does, even as an
// ICE-lite agent, and selects the pair only once its own check succeeds.
bool ClientTransport::answerCheck(std::span<const std::uint8_t> bytes,
                                  const media::SocketAddress& from) {
  const auto parsed = media::StunMessage::parse(bytes);
  if (!parsed.message || !parsed.message->isBindingRequest()) {
    return false;
  }
  if (!parsed.message->verifyFingerprint() || !parsed.message->hasMessageIntegrity() ||
      !parsed.message->verifyIntegrity(localKey_)) {
    return true;
  }
  media::PacketRef answer = context_.pool.acquire();
  if (!answer) {
    ++sendFailures_;
    return true;
  }
  const auto size = media::StunMessageBuilder::bindingSuccessResponse(
      answer->bytes, parsed.message->transactionId(), from, localKey_);
  if (!size) {
    return true;
  }
  answer->length = *size;
  endpoint_.send(std::move(answer), from);
  return true;
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
