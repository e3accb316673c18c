#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "media/ice/IceLiteAgent.h"
#include "media/security/DtlsEndpoint.h"
#include "media/security/DtlsFingerprint.h"
#include "media/security/SrtpSession.h"
#include "media/stats/PacketCounters.h"
#include "media/wire/PacketKind.h"
#include "media/wire/PacketPool.h"
#include "media/wire/SocketAddress.h"
#include "media/wire/StunIntegrityKey.h"
#include "media/wire/StunMessage.h"

namespace chorus::media {

class DtlsCertificate;
class WebRtcTransport;

// How a transport's datagrams reach the network: the shard's socket and packet pool.
class TransportSink {
 public:
  virtual ~TransportSink() = default;
  virtual PacketRef allocatePacket() = 0;
  virtual void sendPacket(PacketRef packet, const SocketAddress& to) = 0;
};

// Why a transport ended.
enum class TransportCloseReason : std::uint8_t {
  kConsentExpired,  // RFC 7675: the peer stopped sending checks
  kDtlsFailed,      // handshake failed or timed out; the DTLS counters say why
  kDtlsClosed,      // the peer sent close_notify
  kClosedLocally,   // the owner closed it
};

inline constexpr std::size_t kTransportCloseReasonCount = 4;

std::string_view toString(TransportCloseReason reason) noexcept;

// What a transport tells its owner (the shard). Called from inside the transport's methods; an
// observer must not destroy the transport from inside a call, only mark it for removal.
class TransportObserver {
 public:
  virtual ~TransportObserver() = default;
  // An authenticated check arrived from a 5-tuple this transport had not seen: route that
  // 5-tuple's datagrams here from now on.
  virtual void onTransportAddress(WebRtcTransport& transport, const SocketAddress& from) = 0;
  // DTLS-SRTP is up: media can flow both ways.
  virtual void onTransportConnected(WebRtcTransport& transport) = 0;
  virtual void onTransportClosed(WebRtcTransport& transport, TransportCloseReason reason) = 0;
  // Decrypted media from the peer, in place in `packet` (the observer may move it out).
  virtual void onRtp(WebRtcTransport& transport, PacketRef& packet) = 0;
  virtual void onRtcp(WebRtcTransport& transport, PacketRef& packet) = 0;
};

struct WebRtcTransportConfig {
  IceCredentials localIce;
  std::string remoteUfrag;  // from the peer's SDP; empty accepts any (before the offer is read)
  DtlsRole dtlsRole = DtlsRole::kServer;
  DtlsFingerprint peerFingerprint{DtlsHashFunction::kSha256, {}};
  std::vector<SrtpProfile> srtpProfiles{kDefaultSrtpProfiles.begin(), kDefaultSrtpProfiles.end()};
  std::chrono::nanoseconds consentTimeout = std::chrono::seconds(30);
  DtlsEndpointConfig dtls;
};

// The server side of one WebRTC connection: ICE-lite answers the peer's checks and picks the
// path, DTLS-SRTP sets the keys, SRTP protects what goes out and unprotects what comes in. It
// does no I/O: the shard hands it datagrams and the time, and it sends through its sink. One
// shard's object: not thread-safe, not movable.
class WebRtcTransport : private IceObserver, private DtlsObserver, private DtlsDatagramSink {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  WebRtcTransport(const WebRtcTransportConfig& config, const DtlsCertificate& certificate,
                  TransportSink& sink, TransportObserver& observer, PacketCounters& counters);
  WebRtcTransport(const WebRtcTransport&) = delete;
  WebRtcTransport& operator=(const WebRtcTransport&) = delete;
  ~WebRtcTransport() override;

  void start(TimePoint now);

  // A STUN message from `from`: a check naming our ufrag (from any 5-tuple) or one of ours.
  void onStun(const StunMessage& message, const SocketAddress& from, TimePoint now);
  // Any other datagram from a 5-tuple bound to this transport.
  void onDatagram(PacketRef& packet, PacketKind kind, const SocketAddress& from, TimePoint now);

  // Protects and sends media to the selected path; false (and counted) when it cannot.
  bool sendRtp(PacketRef packet);
  bool sendRtcp(PacketRef packet);

  // Runs ICE consent and DTLS retransmission; call at nextTimeout() at the latest.
  void onTimer(TimePoint now);
  // The earliest of the DTLS retransmission or handshake deadline and the moment consent
  // expires; empty once closed.
  std::optional<TimePoint> nextTimeout() const;

  // ICE restart (RFC 8445 §9): new local credentials; the owner re-indexes the new ufrag.
  void restartIce(IceCredentials local, std::string_view remoteUfrag);
  // Sends close_notify when connected; no observer call follows.
  void close();

  const IceCredentials& localIce() const { return ice_.localCredentials(); }
  const std::optional<SocketAddress>& selectedPath() const { return ice_.selectedPath(); }
  bool connected() const { return srtp_ != nullptr; }
  bool closed() const { return closed_; }
  // Why DTLS failed, when the transport closed with kDtlsFailed.
  std::optional<DtlsFailure> dtlsFailure() const { return dtlsFailure_; }

 private:
  void answerCheck(const StunMessage& message, const SocketAddress& from, TimePoint now);
  void sendStunError(const StunMessage& message, const SocketAddress& to, std::uint16_t code,
                     std::span<const std::uint16_t> unknown, bool sign);
  bool protectAndSend(PacketRef packet, bool rtcp);
  void unprotect(PacketRef& packet, bool rtcp);
  void countSrtpError(SrtpError error);
  void closeWith(TransportCloseReason reason);

  // IceObserver
  void onIceSelectedPath(const SocketAddress& path) override;
  void onIceConsentExpired() override;
  // DtlsObserver
  void onDtlsConnected(const SrtpKeyMaterial& keys) override;
  void onDtlsFailed(DtlsFailure reason) override;
  void onDtlsClosed() override;
  // DtlsDatagramSink
  void sendDtls(std::span<const std::uint8_t> datagram) override;

  TransportSink& sink_;
  TransportObserver& observer_;
  PacketCounters& counters_;
  IceLiteAgent ice_;
  StunIntegrityKey localKey_;
  DtlsEndpoint dtls_;
  std::unique_ptr<SrtpSession> srtp_;      // created when DTLS completes
  std::vector<SocketAddress> addresses_;   // every 5-tuple an authentic check came from
  std::optional<SocketAddress> dtlsPeer_;  // where DTLS goes before ICE selects a path
  std::optional<DtlsFailure> dtlsFailure_;
  bool closed_ = false;
};

}  // namespace chorus::media
