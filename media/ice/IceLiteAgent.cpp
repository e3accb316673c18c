#include "media/ice/IceLiteAgent.h"

#include <utility>

namespace chorus::media {

IceLiteAgent::IceLiteAgent(IceCredentials local, std::chrono::nanoseconds consentTimeout,
                           IceObserver& observer)
    : local_(std::move(local)), consentTimeout_(consentTimeout), observer_(observer) {}

void IceLiteAgent::start(std::chrono::steady_clock::time_point now) {
  started_ = true;
  lastValidCheck_ = now;
}

void IceLiteAgent::setRemoteUfrag(std::string_view ufrag) {
  remoteUfrag_ = ufrag;
}

IceCheckAnswer IceLiteAgent::onCheck(const IceCheck& check,
                                     std::chrono::steady_clock::time_point now) {
  if (!remoteUfrag_.empty() && check.remoteUfrag != remoteUfrag_) {
    return IceCheckAnswer::kStaleUfrag;
  }
  if (check.peerControlled) {
    // RFC 8445 §7.3.1.1: both sides claim to be controlled. A lite agent cannot take the
    // controlling role (§6.1.1), so the full peer must: tell it with 487.
    return IceCheckAnswer::kRoleConflict;
  }
  if (!check.peerControlling) {
    return IceCheckAnswer::kBadRequest;
  }
  if (state_ == IceState::kDisconnected) {
    // Consent already expired and the owner was told; a late check does not revive it.
    return IceCheckAnswer::kSuccess;
  }
  lastValidCheck_ = now;
  // RFC 8445 §7.3.1.5 (regular nomination): the controlling peer nominates a pair by setting
  // USE-CANDIDATE; a lite agent selects the nominated pair. A nomination from another 5-tuple
  // is the peer moving (a new network), so the selection follows it.
  if (check.useCandidate && selected_ != check.from) {
    selected_ = check.from;
    state_ = IceState::kConnected;
    observer_.onIceSelectedPath(check.from);
  }
  return IceCheckAnswer::kSuccess;
}

void IceLiteAgent::onTimer(std::chrono::steady_clock::time_point now) {
  if (!started_ || state_ == IceState::kDisconnected || now - lastValidCheck_ <= consentTimeout_) {
    return;
  }
  // RFC 7675 §5.1: consent is lost when nothing authenticates the peer's will to receive for
  // the timeout. As a lite agent we cannot send consent checks; the peer's checks are the proof.
  state_ = IceState::kDisconnected;
  observer_.onIceConsentExpired();
}

std::optional<std::chrono::steady_clock::time_point> IceLiteAgent::consentDeadline() const {
  if (!started_ || state_ == IceState::kDisconnected) {
    return std::nullopt;
  }
  // Lost once *more* than the timeout has passed: one clock tick after timeout.
  return lastValidCheck_ + consentTimeout_ + std::chrono::steady_clock::duration(1);
}

void IceLiteAgent::restart(IceCredentials local) {
  local_ = std::move(local);
  remoteUfrag_.clear();
}

}  // namespace chorus::media
