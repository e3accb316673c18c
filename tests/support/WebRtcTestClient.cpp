#include "tests/support/WebRtcTestClient.h"

#include <algorithm>
#include <string>
#include <utility>

#include <openssl/rand.h>

#include "media/security/DtlsCertificate.h"
#include "media/wire/PacketKind.h"
#include "media/wire/StunMessage.h"
#include "media/wire/StunMessageBuilder.h"

namespace chorus::test {

WebRtcTestClient::WebRtcTestClient(const WebRtcTestClientConfig& config,
                                   const media::DtlsCertificate& certificate,
                                   ClientDatagramSink& sink)
    : localIce_(config.localIce),
      serverIce_(config.serverIce),
      priority_(config.priority),
      tieBreaker_(config.tieBreaker),
      serverKey_(std::string_view(config.serverIce.pwd)),
      fingerprint_(certificate.fingerprint()),
      sink_(sink),
      dtls_(certificate, config.dtlsRole, config.serverFingerprint, *this, *this,
            config.srtpProfiles, config.dtls) {}

WebRtcTestClient::~WebRtcTestClient() = default;

void WebRtcTestClient::sendCheck(TimePoint now, bool nominate) {
  if (dtls_.role() == media::DtlsRole::kServer) {
    dtls_.start(now);  // does nothing after the first time
  }
  PendingCheck check;
  check.nominate = nominate;
  // RFC 8489 §6: a transaction ID is uniformly random, from a cryptographic generator.
  RAND_bytes(check.id.data(), static_cast<int>(check.id.size()));
  // RFC 8445 §7.2.2: USERNAME is "<ufrag of the receiver>:<ufrag of the sender>".
  const std::string username = serverIce_.ufrag + ":" + localIce_.ufrag;
  media::StunBindingRequestFields fields;
  fields.transactionId = check.id;
  fields.username = username;
  fields.priority = priority_;
  fields.role = media::IceRole::kControlling;
  fields.tieBreaker = tieBreaker_;
  fields.useCandidate = nominate;
  // The request is signed with the password of the agent it goes to (RFC 8445 §7.2.2).
  const auto size = media::StunMessageBuilder::bindingRequest(scratch_, fields, serverKey_);
  if (!size) {
    return;
  }
  pending_.push_back(check);
  sink_.sendDatagram(std::span(scratch_).first(*size));
}

void WebRtcTestClient::onDatagram(std::span<const std::uint8_t> datagram, TimePoint now) {
  switch (media::classifyPacket(datagram)) {
    case media::PacketKind::kStun:
      onStun(datagram, now);
      return;
    case media::PacketKind::kDtls:
      dtls_.onDatagram(datagram, now);
      return;
    case media::PacketKind::kRtp:
      onSrtp(datagram, false);
      return;
    case media::PacketKind::kRtcp:
      onSrtp(datagram, true);
      return;
    case media::PacketKind::kUnknown:
      return;
  }
}

// A response counts only if it answers a transaction we started, carries a valid FINGERPRINT
// (RFC 8445 §7.2.2), and a valid MESSAGE-INTEGRITY under the server's password (RFC 8489 §9.1),
// except 400 and 401, which answer requests the server could not authenticate and so are not
// signed.
void WebRtcTestClient::onStun(std::span<const std::uint8_t> datagram, TimePoint now) {
  const auto parsed = media::StunMessage::parse(datagram);
  if (!parsed.message || !parsed.message->verifyFingerprint()) {
    ++rejectedStun_;
    return;
  }
  const media::StunMessage& message = *parsed.message;
  const auto transactionId = message.transactionId();
  const auto pending = std::find_if(pending_.begin(), pending_.end(), [&](const auto& check) {
    return std::equal(check.id.begin(), check.id.end(), transactionId.begin());
  });
  const media::StunClass messageClass = message.messageClass();
  if (message.method() != media::StunMethod::kBinding || pending == pending_.end() ||
      (messageClass != media::StunClass::kSuccessResponse &&
       messageClass != media::StunClass::kErrorResponse)) {
    ++rejectedStun_;
    return;
  }
  StunAnswer answer;
  answer.messageClass = messageClass;
  answer.signedByServer = message.hasMessageIntegrity() && message.verifyIntegrity(serverKey_);
  if (messageClass == media::StunClass::kSuccessResponse) {
    answer.mappedAddress = message.xorMappedAddress();
    if (!answer.signedByServer || !answer.mappedAddress) {
      ++rejectedStun_;
      return;
    }
  } else {
    const auto error = message.errorCode();
    if (!error) {
      ++rejectedStun_;
      return;
    }
    answer.errorCode = error->code;
    const bool unsignedAllowed =
        error->code == media::kStunBadRequest || error->code == media::kStunUnauthenticated;
    if (!answer.signedByServer && !unsignedAllowed) {
      ++rejectedStun_;
      return;
    }
    const media::StunAttributeTypeList unknown = message.unknownAttributes();
    for (std::size_t i = 0; i < unknown.size(); ++i) {
      answer.unknownAttributes.push_back(unknown[i]);
    }
  }
  const bool nominating = pending->nominate;
  pending_.erase(pending);
  const bool success = messageClass == media::StunClass::kSuccessResponse;
  answers_.push_back(std::move(answer));
  if (!success) {
    return;
  }
  nominated_ = nominated_ || nominating;
  // Browsers start DTLS once ICE has a working pair.
  if (dtls_.role() == media::DtlsRole::kClient) {
    dtls_.start(now);
  }
}

void WebRtcTestClient::onSrtp(std::span<const std::uint8_t> datagram, bool rtcp) {
  if (!srtp_ || datagram.size() > scratch_.size()) {
    ++rejectedSrtp_;
    return;
  }
  std::copy(datagram.begin(), datagram.end(), scratch_.begin());
  const media::SrtpResult result = rtcp ? srtp_->unprotectRtcp(scratch_, datagram.size())
                                        : srtp_->unprotectRtp(scratch_, datagram.size());
  if (!result.ok()) {
    ++rejectedSrtp_;
    return;
  }
  auto& received = rtcp ? rtcp_ : rtp_;
  received.emplace_back(scratch_.begin(),
                        scratch_.begin() + static_cast<std::ptrdiff_t>(result.length));
}

void WebRtcTestClient::onTimer(TimePoint now) {
  if (const auto due = dtls_.nextTimeout(); due && *due <= now) {
    dtls_.onTimeout(now);
  }
}

bool WebRtcTestClient::sendRtp(std::span<const std::uint8_t> plaintext) {
  return protectAndSend(plaintext, false);
}

bool WebRtcTestClient::sendRtcp(std::span<const std::uint8_t> plaintext) {
  return protectAndSend(plaintext, true);
}

bool WebRtcTestClient::protectAndSend(std::span<const std::uint8_t> plaintext, bool rtcp) {
  if (!srtp_ || plaintext.size() > scratch_.size()) {
    return false;
  }
  std::copy(plaintext.begin(), plaintext.end(), scratch_.begin());
  const media::SrtpResult result = rtcp ? srtp_->protectRtcp(scratch_, plaintext.size())
                                        : srtp_->protectRtp(scratch_, plaintext.size());
  if (!result.ok()) {
    return false;
  }
  sink_.sendDatagram(std::span(scratch_).first(result.length));
  return true;
}

void WebRtcTestClient::restartIce(const media::IceCredentials& local,
                                  const media::IceCredentials& server) {
  localIce_ = local;
  serverIce_ = server;
  serverKey_ = media::StunIntegrityKey(std::string_view(server.pwd));
}

std::vector<WebRtcTestClient::Datagram> WebRtcTestClient::takeRtp() {
  return std::exchange(rtp_, {});
}

std::vector<WebRtcTestClient::Datagram> WebRtcTestClient::takeRtcp() {
  return std::exchange(rtcp_, {});
}

std::vector<StunAnswer> WebRtcTestClient::takeAnswers() {
  return std::exchange(answers_, {});
}

void WebRtcTestClient::onDtlsConnected(const media::SrtpKeyMaterial& keys) {
  srtp_ = std::make_unique<media::SrtpSession>(keys);
  profile_ = keys.profile;
}

void WebRtcTestClient::onDtlsFailed(media::DtlsFailure reason) {
  dtlsFailure_ = reason;
}

void WebRtcTestClient::onDtlsClosed() {
  dtlsClosed_ = true;
}

void WebRtcTestClient::sendDtls(std::span<const std::uint8_t> datagram) {
  sink_.sendDatagram(datagram);
}

}  // namespace chorus::test
