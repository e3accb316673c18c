#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "media/ice/IceCredentials.h"
#include "media/security/DtlsEndpoint.h"
#include "media/security/DtlsFingerprint.h"
#include "media/security/SrtpProfile.h"
#include "media/security/SrtpSession.h"
#include "media/wire/PacketPool.h"
#include "media/wire/SocketAddress.h"
#include "media/wire/StunIntegrityKey.h"
#include "media/wire/StunProtocol.h"

namespace chorus::media {
class DtlsCertificate;
}  // namespace chorus::media

namespace chorus::test {

// Where the client's datagrams go. Every one is for the server: a fake wire puts it in a queue
// (with whatever source address the test gives the client), a real socket sends it.
class ClientDatagramSink {
 public:
  virtual ~ClientDatagramSink() = default;
  virtual void sendDatagram(std::span<const std::uint8_t> datagram) = 0;
};

struct WebRtcTestClientConfig {
  media::IceCredentials localIce;   // the client's own, from its SDP offer
  media::IceCredentials serverIce;  // the server's, from its SDP answer
  // The client's DTLS role: the opposite of the server transport's (RFC 5763 §5).
  media::DtlsRole dtlsRole = media::DtlsRole::kClient;
  // The server's certificate fingerprint from its SDP answer.
  media::DtlsFingerprint serverFingerprint{media::DtlsHashFunction::kSha256, {}};
  std::vector<media::SrtpProfile> srtpProfiles{media::kDefaultSrtpProfiles.begin(),
                                               media::kDefaultSrtpProfiles.end()};
  media::DtlsEndpointConfig dtls;
  // RFC 8445 §5.1.2.1 for a host candidate: type preference 126, local preference 65535,
  // component 1.
  std::uint32_t priority = (126U << 24U) | (65535U << 8U) | 255U;
  // RFC 8445 §7.1.3: the controlling agent's tie-breaker, any 64-bit value.
  std::uint64_t tieBreaker = 0x0123'4567'89ab'cdefULL;
};

// What the server answered to one of the client's checks, after the client checked that the
// answer is for a check it sent, carries a valid FINGERPRINT, and (where it is signed) a valid
// MESSAGE-INTEGRITY under the server's password.
struct StunAnswer {
  media::StunClass messageClass = media::StunClass::kSuccessResponse;
  std::uint16_t errorCode = 0;                        // for an error response
  std::optional<media::SocketAddress> mappedAddress;  // XOR-MAPPED-ADDRESS of a success
  std::vector<std::uint16_t> unknownAttributes;       // UNKNOWN-ATTRIBUTES of a 420
  bool signedByServer = false;                        // MESSAGE-INTEGRITY present and valid
};

// The browser's side of a WebRTC connection, built from Chorus's own media library, for tests
// and load generation: a controlling ICE agent's checks (RFC 8445 §7.2), DTLS-SRTP in the role
// opposite the server's with the server's fingerprint checked (RFC 5763), then SRTP for what it
// sends and receives. It does no I/O: the owner hands it datagrams from the server and the time,
// and it sends through its sink, so the same client runs over a fake wire or a UDP socket.
// Sending media allocates nothing; what it receives it keeps until taken.
class WebRtcTestClient : private media::DtlsObserver, private media::DtlsDatagramSink {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Datagram = std::vector<std::uint8_t>;

  // `certificate` is the client's DTLS identity; it must outlive the client.
  WebRtcTestClient(const WebRtcTestClientConfig& config, const media::DtlsCertificate& certificate,
                   ClientDatagramSink& sink);
  WebRtcTestClient(const WebRtcTestClient&) = delete;
  WebRtcTestClient& operator=(const WebRtcTestClient&) = delete;
  ~WebRtcTestClient() override;

  // Sends a Binding request; `nominate` sets USE-CANDIDATE (RFC 8445 §8.1.1). A client in the
  // DTLS server role starts listening for the ClientHello with its first check.
  void sendCheck(TimePoint now, bool nominate = true);

  // A datagram from the server: a STUN answer, DTLS, SRTP or SRTCP.
  void onDatagram(std::span<const std::uint8_t> datagram, TimePoint now);

  // DTLS retransmission; call at nextTimeout() at the latest.
  void onTimer(TimePoint now);
  std::optional<TimePoint> nextTimeout() const { return dtls_.nextTimeout(); }

  // Protects a plaintext RTP packet or RTCP compound packet and sends it; false before
  // DTLS-SRTP is up or when SRTP refuses it.
  bool sendRtp(std::span<const std::uint8_t> plaintext);
  bool sendRtcp(std::span<const std::uint8_t> plaintext);

  // ICE restart (RFC 8445 §9): both sides' new credentials, as a new offer and answer carry
  // them. DTLS and SRTP go on as they were.
  void restartIce(const media::IceCredentials& local, const media::IceCredentials& server);
  // Sends close_notify (RFC 5246 §7.2.1), as a browser closing the connection does.
  void close() { dtls_.close(); }

  // Media the server sent, unprotected, in arrival order; taking empties the list.
  std::vector<Datagram> takeRtp();
  std::vector<Datagram> takeRtcp();
  // Answers to the client's checks, in arrival order; taking empties the list.
  std::vector<StunAnswer> takeAnswers();

  // A success answered a nominating check: the server selected this client's path.
  bool nominated() const { return nominated_; }
  bool connected() const { return srtp_ != nullptr; }
  std::optional<media::SrtpProfile> srtpProfile() const { return profile_; }
  std::optional<media::DtlsFailure> dtlsFailure() const { return dtlsFailure_; }
  bool dtlsClosed() const { return dtlsClosed_; }
  const media::DtlsFingerprint& fingerprint() const { return fingerprint_; }

  // Datagrams the client threw away: STUN that failed its checks, SRTP that failed to unprotect.
  std::uint64_t rejectedStun() const { return rejectedStun_; }
  std::uint64_t rejectedSrtp() const { return rejectedSrtp_; }

 private:
  struct PendingCheck {
    media::StunTransactionId id{};
    bool nominate = false;
  };

  void onStun(std::span<const std::uint8_t> datagram, TimePoint now);
  void onSrtp(std::span<const std::uint8_t> datagram, bool rtcp);
  bool protectAndSend(std::span<const std::uint8_t> plaintext, bool rtcp);

  // DtlsObserver
  void onDtlsConnected(const media::SrtpKeyMaterial& keys) override;
  void onDtlsFailed(media::DtlsFailure reason) override;
  void onDtlsClosed() override;
  // DtlsDatagramSink
  void sendDtls(std::span<const std::uint8_t> datagram) override;

  media::IceCredentials localIce_;
  media::IceCredentials serverIce_;
  std::uint32_t priority_;
  std::uint64_t tieBreaker_;
  media::StunIntegrityKey serverKey_;
  media::DtlsFingerprint fingerprint_;
  ClientDatagramSink& sink_;
  media::DtlsEndpoint dtls_;
  std::unique_ptr<media::SrtpSession> srtp_;
  std::optional<media::SrtpProfile> profile_;
  std::optional<media::DtlsFailure> dtlsFailure_;
  bool dtlsClosed_ = false;
  bool nominated_ = false;

  std::vector<PendingCheck> pending_;
  std::vector<StunAnswer> answers_;
  std::vector<Datagram> rtp_;
  std::vector<Datagram> rtcp_;
  std::uint64_t rejectedStun_ = 0;
  std::uint64_t rejectedSrtp_ = 0;
  // One datagram's room, with space for SRTP's tag and SRTCP's trailer.
  std::array<std::uint8_t, media::PacketSlot::kCapacity> scratch_{};
};

}  // namespace chorus::test
