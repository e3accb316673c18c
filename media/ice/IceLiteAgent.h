#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "media/ice/IceCredentials.h"
#include "media/wire/SocketAddress.h"

namespace chorus::media {

// A connectivity check the peer sent us, after its STUN MESSAGE-INTEGRITY was verified with our
// password (so it is authentic) and its USERNAME named our ufrag.
struct IceCheck {
  SocketAddress from;
  std::string_view remoteUfrag;  // the part of USERNAME after ':' (RFC 8445 §7.2.2)
  std::uint32_t priority = 0;
  bool useCandidate = false;
  bool peerControlling = false;  // ICE-CONTROLLING present
  bool peerControlled = false;   // ICE-CONTROLLED present
};

// What to answer a check with.
enum class IceCheckAnswer : std::uint8_t {
  kSuccess,       // Binding success response with XOR-MAPPED-ADDRESS = the check's source
  kRoleConflict,  // 487: the peer claims to be controlled too; a lite agent never controls
  kBadRequest,    // 400: neither ICE-CONTROLLING nor ICE-CONTROLLED (not an ICE check)
  kStaleUfrag,    // ignored: a check for the remote ufrag before an ICE restart
};

enum class IceState : std::uint8_t {
  kNew,           // no valid check yet
  kConnected,     // a pair is selected: media flows to selectedPath()
  kDisconnected,  // consent expired: the owner closes the transport
};

// Told when the agent's view of the path changes. Runs on the owner's thread, from inside
// onCheck() or onTimer(); it must not call back into the agent.
class IceObserver {
 public:
  virtual ~IceObserver() = default;
  // A pair was selected, or the peer moved to a new 5-tuple (a mobile network change).
  virtual void onIceSelectedPath(const SocketAddress& path) = 0;
  // No valid check arrived for the consent timeout (RFC 7675): the peer is gone.
  virtual void onIceConsentExpired() = 0;
};

// The ICE-lite side of one WebRTC transport (RFC 8445 §2.5): it never sends checks, answers
// the controlling peer's checks, and selects the pair the peer nominates with USE-CANDIDATE.
// Selection moves only on a nominating check, so checks the peer keeps sending on other pairs
// cannot make media flap between paths. Pure logic: the caller verifies STUN, passes the time,
// and sends the answers.
class IceLiteAgent {
 public:
  IceLiteAgent(IceCredentials local, std::chrono::nanoseconds consentTimeout,
               IceObserver& observer);

  const IceCredentials& localCredentials() const { return local_; }
  // The peer's ufrag from its SDP; checks carrying another one are stale (RFC 8445 §7.2.2).
  void setRemoteUfrag(std::string_view ufrag);

  // Starts the consent clock: a peer that sends no authentic check within the consent timeout
  // of this (or of its last check) is gone, nominated or not.
  void start(std::chrono::steady_clock::time_point now);

  IceCheckAnswer onCheck(const IceCheck& check, std::chrono::steady_clock::time_point now);

  // Consent freshness: call at consentDeadline() or periodically; reports expiry once.
  void onTimer(std::chrono::steady_clock::time_point now);
  // The first moment onTimer() would find consent lost; nothing before start() or after expiry.
  std::optional<std::chrono::steady_clock::time_point> consentDeadline() const;

  // ICE restart (RFC 8445 §9): new local credentials and, when the new offer arrives, a new
  // remote ufrag. The selected path keeps carrying media until the peer nominates again.
  void restart(IceCredentials local);

  IceState state() const { return state_; }
  const std::optional<SocketAddress>& selectedPath() const { return selected_; }

 private:
  IceCredentials local_;
  std::string remoteUfrag_;
  std::chrono::nanoseconds consentTimeout_;
  IceObserver& observer_;
  IceState state_ = IceState::kNew;
  bool started_ = false;
  std::optional<SocketAddress> selected_;
  std::chrono::steady_clock::time_point lastValidCheck_{};
};

}  // namespace chorus::media
