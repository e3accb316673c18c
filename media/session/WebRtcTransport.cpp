#include "media/session/WebRtcTransport.h"

#include <algorithm>
#include <string>

#include "media/wire/StunMessageBuilder.h"
#include "media/wire/StunProtocol.h"

namespace chorus::media {

std::string_view toString(TransportCloseReason reason) noexcept {
  switch (reason) {
    case TransportCloseReason::kConsentExpired:
      return "consent_expired";
    case TransportCloseReason::kDtlsFailed:
      return "dtls_failed";
    case TransportCloseReason::kDtlsClosed:
      return "dtls_closed";
    case TransportCloseReason::kClosedLocally:
      return "closed_locally";
  }
  return "unknown";
}

WebRtcTransport::WebRtcTransport(const WebRtcTransportConfig& config,
                                 const DtlsCertificate& certificate, TransportSink& sink,
                                 TransportObserver& observer, PacketCounters& counters)
    : sink_(sink),
      observer_(observer),
      counters_(counters),
      ice_(config.localIce, config.consentTimeout, *this),
      localKey_(std::string_view(config.localIce.pwd)),
      dtls_(certificate, config.dtlsRole, config.peerFingerprint, *this, *this, config.srtpProfiles,
            config.dtls) {
  ice_.setRemoteUfrag(config.remoteUfrag);
}

WebRtcTransport::~WebRtcTransport() = default;

// A DTLS server waits for the ClientHello; a client sends its first flight once an
// authenticated check has told it where the peer is (see answerCheck).
void WebRtcTransport::start(TimePoint now) {
  // A peer that never sends an authentic check is treated like one whose consent expired.
  ice_.start(now);
  if (dtls_.role() == DtlsRole::kServer) {
    dtls_.start(now);
  }
}

void WebRtcTransport::onStun(const StunMessage& message, const SocketAddress& from, TimePoint now) {
  if (closed_) {
    return;
  }
  if (!message.isBindingRequest()) {
    counters_.countDrop(DropReason::kStunUnexpected);
    return;
  }
  answerCheck(message, from, now);
}

// RFC 8489 §9.1.3 and RFC 8445 §7.3: the order of the checks decides which error is answered.
void WebRtcTransport::answerCheck(const StunMessage& message, const SocketAddress& from,
                                  TimePoint now) {
  // RFC 8445 §7.2.2: connectivity checks carry FINGERPRINT; without a valid one this is not an
  // ICE check at all, so it is dropped without an answer.
  if (!message.verifyFingerprint()) {
    counters_.countDrop(DropReason::kStunUnauthenticated);
    return;
  }
  const auto username = message.username();
  if (!username || !message.hasMessageIntegrity()) {
    counters_.countDrop(DropReason::kStunUnauthenticated);
    sendStunError(message, from, kStunBadRequest, {}, false);
    return;
  }
  const std::size_t colon = username->find(':');
  if (colon == std::string_view::npos || username->substr(0, colon) != localIce().ufrag ||
      !message.verifyIntegrity(localKey_)) {
    counters_.countDrop(DropReason::kStunUnauthenticated);
    sendStunError(message, from, kStunUnauthenticated, {}, false);
    return;
  }
  if (message.hasUnknownRequiredAttributes()) {
    sendStunError(message, from, kStunUnknownAttribute, message.unknownRequiredAttributes(), true);
    return;
  }
  IceCheck check;
  check.from = from;
  check.remoteUfrag = username->substr(colon + 1);
  check.priority = message.priority().value_or(0);
  check.useCandidate = message.useCandidate();
  check.peerControlling = message.iceControlling().has_value();
  check.peerControlled = message.iceControlled().has_value();
  switch (ice_.onCheck(check, now)) {
    case IceCheckAnswer::kSuccess:
      break;
    case IceCheckAnswer::kRoleConflict:
      sendStunError(message, from, kStunRoleConflict, {}, true);
      return;
    case IceCheckAnswer::kBadRequest:
      sendStunError(message, from, kStunBadRequest, {}, true);
      return;
    case IceCheckAnswer::kStaleUfrag:
      counters_.countDrop(DropReason::kStunUnauthenticated);
      return;
  }
  if (std::find(addresses_.begin(), addresses_.end(), from) == addresses_.end()) {
    addresses_.push_back(from);
    observer_.onTransportAddress(*this, from);
  }
  if (!dtlsPeer_) {
    dtlsPeer_ = from;
  }
  PacketRef response = sink_.allocatePacket();
  if (!response) {
    counters_.countDrop(DropReason::kPoolExhausted);
    return;
  }
  const auto size = StunMessageBuilder::bindingSuccessResponse(
      response->bytes, message.transactionId(), from, localKey_);
  if (size) {
    response->length = *size;
    sink_.sendPacket(std::move(response), from);
  }
  if (dtls_.state() == DtlsState::kNew) {
    dtls_.start(now);  // the client role's first flight, now that the peer has a path
  }
}

void WebRtcTransport::sendStunError(const StunMessage& message, const SocketAddress& to,
                                    std::uint16_t code, std::span<const std::uint16_t> unknown,
                                    bool sign) {
  PacketRef response = sink_.allocatePacket();
  if (!response) {
    counters_.countDrop(DropReason::kPoolExhausted);
    return;
  }
  const auto size = StunMessageBuilder::bindingErrorResponse(
      response->bytes, message.transactionId(), code, unknown, sign ? &localKey_ : nullptr);
  if (size) {
    response->length = *size;
    sink_.sendPacket(std::move(response), to);
  }
}

void WebRtcTransport::onDatagram(PacketRef& packet, PacketKind kind, const SocketAddress& from,
                                 TimePoint now) {
  if (closed_) {
    return;
  }
  switch (kind) {
    case PacketKind::kDtls:
      // A DTLS peer may start from any authenticated 5-tuple before nomination.
      dtlsPeer_ = ice_.selectedPath() ? *ice_.selectedPath() : from;
      if (dtls_.onDatagram(packet->data(), now) != DtlsDatagramResult::kProcessed) {
        counters_.countDrop(DropReason::kDtlsRejected);
      }
      return;
    case PacketKind::kRtp:
      unprotect(packet, false);
      return;
    case PacketKind::kRtcp:
      unprotect(packet, true);
      return;
    case PacketKind::kStun:
    case PacketKind::kUnknown:
      counters_.countDrop(DropReason::kUnclassified);
      return;
  }
}

void WebRtcTransport::unprotect(PacketRef& packet, bool rtcp) {
  if (!srtp_) {
    counters_.countDrop(DropReason::kSrtpNotReady);
    return;
  }
  const SrtpResult result = rtcp ? srtp_->unprotectRtcp(packet->bytes, packet->length)
                                 : srtp_->unprotectRtp(packet->bytes, packet->length);
  if (result.error != SrtpError::kNone) {
    countSrtpError(result.error);
    return;
  }
  packet->length = result.length;
  if (rtcp) {
    observer_.onRtcp(*this, packet);
  } else {
    observer_.onRtp(*this, packet);
  }
}

void WebRtcTransport::countSrtpError(SrtpError error) {
  switch (error) {
    case SrtpError::kAuthenticationFailed:
      counters_.countDrop(DropReason::kSrtpAuth);
      return;
    case SrtpError::kReplayed:
    case SrtpError::kTooOld:
      counters_.countDrop(DropReason::kSrtpReplay);
      return;
    default:
      counters_.countDrop(DropReason::kSrtpMalformed);
      return;
  }
}

bool WebRtcTransport::sendRtp(PacketRef packet) {
  return protectAndSend(std::move(packet), false);
}

bool WebRtcTransport::sendRtcp(PacketRef packet) {
  return protectAndSend(std::move(packet), true);
}

bool WebRtcTransport::protectAndSend(PacketRef packet, bool rtcp) {
  if (!srtp_ || closed_) {
    counters_.countDrop(DropReason::kSrtpNotReady);
    return false;
  }
  const auto& path = ice_.selectedPath();
  if (!path) {
    counters_.countDrop(DropReason::kNoPath);
    return false;
  }
  const SrtpResult result = rtcp ? srtp_->protectRtcp(packet->bytes, packet->length)
                                 : srtp_->protectRtp(packet->bytes, packet->length);
  if (result.error != SrtpError::kNone) {
    countSrtpError(result.error);
    return false;
  }
  packet->length = result.length;
  sink_.sendPacket(std::move(packet), *path);
  return true;
}

void WebRtcTransport::onTimer(TimePoint now) {
  if (closed_) {
    return;
  }
  ice_.onTimer(now);
  if (const auto due = dtls_.nextTimeout(); due && *due <= now && !closed_) {
    dtls_.onTimeout(now);
  }
}

std::optional<WebRtcTransport::TimePoint> WebRtcTransport::nextTimeout() const {
  if (closed_) {
    return std::nullopt;
  }
  std::optional<TimePoint> due = dtls_.nextTimeout();
  if (const auto consentLost = ice_.consentDeadline()) {
    due = due ? std::min(*due, *consentLost) : *consentLost;
  }
  return due;
}

void WebRtcTransport::restartIce(IceCredentials local, std::string_view remoteUfrag) {
  localKey_ = StunIntegrityKey(std::string_view(local.pwd));
  ice_.restart(std::move(local));
  ice_.setRemoteUfrag(remoteUfrag);
}

void WebRtcTransport::close() {
  if (!closed_) {
    dtls_.close();
    closed_ = true;
  }
}

void WebRtcTransport::closeWith(TransportCloseReason reason) {
  if (closed_) {
    return;
  }
  closed_ = true;
  observer_.onTransportClosed(*this, reason);
}

void WebRtcTransport::onIceSelectedPath(const SocketAddress& path) {
  dtlsPeer_ = path;
}

void WebRtcTransport::onIceConsentExpired() {
  closeWith(TransportCloseReason::kConsentExpired);
}

void WebRtcTransport::onDtlsConnected(const SrtpKeyMaterial& keys) {
  srtp_ = std::make_unique<SrtpSession>(keys);
  observer_.onTransportConnected(*this);
}

void WebRtcTransport::onDtlsFailed(DtlsFailure reason) {
  dtlsFailure_ = reason;
  closeWith(TransportCloseReason::kDtlsFailed);
}

void WebRtcTransport::onDtlsClosed() {
  closeWith(TransportCloseReason::kDtlsClosed);
}

void WebRtcTransport::sendDtls(std::span<const std::uint8_t> datagram) {
  if (!dtlsPeer_) {
    return;  // a client's first flight waits for the first authenticated check
  }
  PacketRef packet = sink_.allocatePacket();
  if (!packet || datagram.size() > PacketSlot::kCapacity) {
    counters_.countDrop(DropReason::kPoolExhausted);
    return;
  }
  std::copy(datagram.begin(), datagram.end(), packet->bytes.begin());
  packet->length = datagram.size();
  sink_.sendPacket(std::move(packet), *dtlsPeer_);
}

}  // namespace chorus::media
