// The server side of a WebRTC connection, end to end and in-process: a WebRtcTransport talks to
// a WebRtcTestClient (the browser's side, built from the same media library but playing the
// opposite roles) over a fake wire, with the test's clock as both sides' clock and OpenSSL's.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "FakeWallClock.h"
#include "media/security/DtlsCertificate.h"
#include "media/session/WebRtcTransport.h"
#include "media/wire/RtcpCompoundView.h"
#include "media/wire/RtcpReceiverReport.h"
#include "media/wire/RtpPacketView.h"
#include "media/wire/StunMessage.h"
#include "media/wire/StunMessageBuilder.h"
#include "tests/support/WebRtcTestClient.h"
#include "tests/unit/media/SrtpTestPackets.h"

namespace chorus::media {
namespace {

using namespace std::chrono_literals;
using TimePoint = WebRtcTransport::TimePoint;
using Bytes = std::vector<std::uint8_t>;

// Far from zero: OpenSSL reads a gettimeofday() of 0 as "no timer".
const TimePoint kStart = TimePoint{} + 1000h;
// 2026-01-01T00:00:00Z
const std::chrono::system_clock::time_point kCertificateTime{std::chrono::seconds(1'767'225'600)};

const SocketAddress kServerAddress = SocketAddress::ipv4({192, 0, 2, 1}, 40000);
const SocketAddress kClientWifi = SocketAddress::ipv4({198, 51, 100, 20}, 50000);
const SocketAddress kClientCellular = SocketAddress::ipv4({203, 0, 113, 9}, 41000);

// ice-chars only (RFC 8839 §5.4); passwords of at least 22 characters.
const IceCredentials kServerIce{"SrvUfrag", "ServerPassword0123456789abcdefAB"};
const IceCredentials kClientIce{"CliUfrag", "ClientPassword0123456789abcdefAB"};

constexpr auto kConsentTimeout = 30s;
constexpr std::uint16_t kUnknownRequiredAttribute = 0x7777;  // below 0x8000, unassigned

const DtlsCertificate& serverCertificate() {
  static const auto certificate = DtlsCertificate::generate(kCertificateTime, "server");
  return *certificate;
}

const DtlsCertificate& clientCertificate() {
  static const auto certificate = DtlsCertificate::generate(kCertificateTime, "browser");
  return *certificate;
}

DtlsFingerprint wrongFingerprint() {
  const std::array<std::uint8_t, 32> digest{0xde, 0xad, 0xbe, 0xef};
  return {DtlsHashFunction::kSha256, digest};
}

DtlsRole opposite(DtlsRole role) {
  return role == DtlsRole::kServer ? DtlsRole::kClient : DtlsRole::kServer;
}

struct Datagram {
  Bytes bytes;
  SocketAddress from;
  SocketAddress to;
};

// The network between the two: what the transport sends (through its TransportSink) queues for
// the client, what the client sends queues for the server, from whichever address the test has
// put the client on.
class FakeWire final : public TransportSink, public test::ClientDatagramSink {
 public:
  PacketRef allocatePacket() override { return pool_.acquire(); }
  void sendPacket(PacketRef packet, const SocketAddress& to) override {
    const auto data = packet->data();
    toClient.push_back({Bytes(data.begin(), data.end()), kServerAddress, to});
  }
  void sendDatagram(std::span<const std::uint8_t> datagram) override {
    toServer.push_back({Bytes(datagram.begin(), datagram.end()), clientAddress, kServerAddress});
  }

  PacketRef packetOf(std::span<const std::uint8_t> bytes) {
    PacketRef packet = pool_.acquire();
    std::copy(bytes.begin(), bytes.end(), packet->bytes.begin());
    packet->length = bytes.size();
    return packet;
  }
  std::size_t freeSlots() const { return pool_.available(); }

  SocketAddress clientAddress = kClientWifi;
  std::deque<Datagram> toClient;
  std::deque<Datagram> toServer;

 private:
  PacketPool pool_{64};
};

class Events final : public TransportObserver {
 public:
  void onTransportAddress(WebRtcTransport& /*transport*/, const SocketAddress& from) override {
    addresses.push_back(from);
  }
  void onTransportConnected(WebRtcTransport& /*transport*/) override { ++connected; }
  void onTransportClosed(WebRtcTransport& /*transport*/, TransportCloseReason reason) override {
    closed.push_back(reason);
  }
  void onRtp(WebRtcTransport& /*transport*/, PacketRef& packet) override {
    rtp.emplace_back(packet->data().begin(), packet->data().end());
  }
  void onRtcp(WebRtcTransport& /*transport*/, PacketRef& packet) override {
    rtcp.emplace_back(packet->data().begin(), packet->data().end());
  }

  std::vector<SocketAddress> addresses;
  int connected = 0;
  std::vector<TransportCloseReason> closed;
  std::vector<Bytes> rtp;
  std::vector<Bytes> rtcp;
};

// An RTCP receiver report with one block, made with media's builder.
Bytes receiverReport(std::uint32_t sender, std::uint32_t source) {
  RtcpReportBlock block;
  block.ssrc = source;
  block.fractionLost = 12;
  block.cumulativeLost = 3;
  block.extendedHighestSequence = 0x0001'0203;
  block.jitter = 77;
  std::array<std::uint8_t, 64> buffer{};
  const auto size = RtcpReceiverReport::build(buffer, sender, std::span(&block, 1));
  EXPECT_TRUE(size);
  return {buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(size.value_or(0))};
}

// The reported source of the one receiver report in `datagram`, if that is what it holds.
std::optional<std::uint32_t> reportedSource(std::span<const std::uint8_t> datagram) {
  const auto compound = RtcpCompoundView::parse(datagram);
  if (!compound || compound->packetCount() != 1) {
    return std::nullopt;
  }
  const auto report = RtcpReceiverReport::parse(*compound->begin());
  if (!report || report->reportBlockCount() != 1) {
    return std::nullopt;
  }
  return report->reportBlock(0).ssrc;
}

enum class FingerprintShape : std::uint8_t { kValid, kMissing, kCorrupt };

// How a hand-made check deviates from a well-formed one.
struct CheckShape {
  bool username = true;
  std::string password = kServerIce.pwd;
  IceRole role = IceRole::kControlling;
  bool useCandidate = false;
  std::optional<std::uint16_t> extraAttribute;
  FingerprintShape fingerprint = FingerprintShape::kValid;
};

const StunTransactionId kCheckId{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

// A Binding request from the client to the server, made with the builder's parts so that any
// of them can be left out or spoiled.
Bytes handMadeCheck(const CheckShape& shape) {
  std::array<std::uint8_t, 256> buffer{};
  StunMessageBuilder builder(buffer, StunMethod::kBinding, StunClass::kRequest, kCheckId);
  builder.addUint32(StunAttributeType::kPriority, 0x6e7f'00ff);
  builder.addUint64(shape.role == IceRole::kControlling ? StunAttributeType::kIceControlling
                                                        : StunAttributeType::kIceControlled,
                    42);
  if (shape.useCandidate) {
    builder.addFlag(StunAttributeType::kUseCandidate);
  }
  if (shape.extraAttribute) {
    builder.addAttribute(*shape.extraAttribute, std::array<std::uint8_t, 4>{1, 2, 3, 4});
  }
  if (shape.username) {
    builder.addString(StunAttributeType::kUsername, kServerIce.ufrag + ":" + kClientIce.ufrag);
  }
  builder.addMessageIntegrity(StunIntegrityKey(std::string_view(shape.password)));
  if (shape.fingerprint != FingerprintShape::kMissing) {
    builder.addFingerprint();
  }
  const auto size = builder.finish();
  EXPECT_TRUE(size);
  Bytes check(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(size.value_or(0)));
  if (shape.fingerprint == FingerprintShape::kCorrupt) {
    check.back() ^= 0x01;
  }
  return check;
}

class WebRtcTransportTest : public ::testing::Test {
 protected:
  static WebRtcTransportConfig serverConfig(DtlsRole role) {
    WebRtcTransportConfig config;
    config.localIce = kServerIce;
    config.remoteUfrag = kClientIce.ufrag;
    config.dtlsRole = role;
    config.peerFingerprint = clientCertificate().fingerprint();
    config.consentTimeout = kConsentTimeout;
    return config;
  }

  static test::WebRtcTestClientConfig clientConfig(DtlsRole serverRole) {
    test::WebRtcTestClientConfig config;
    config.localIce = kClientIce;
    config.serverIce = kServerIce;
    config.dtlsRole = opposite(serverRole);
    config.serverFingerprint = serverCertificate().fingerprint();
    return config;
  }

  void create(const WebRtcTransportConfig& server, const test::WebRtcTestClientConfig& client) {
    transport_ =
        std::make_unique<WebRtcTransport>(server, serverCertificate(), wire_, events_, counters_);
    client_ = std::make_unique<test::WebRtcTestClient>(client, clientCertificate(), wire_);
    transport_->start(clock_.now());
  }

  void create(DtlsRole serverRole) { create(serverConfig(serverRole), clientConfig(serverRole)); }

  // What the shard does with a datagram from a bound 5-tuple, or with STUN from anywhere.
  void deliverToServer(const Datagram& datagram) {
    const PacketKind kind = classifyPacket(datagram.bytes);
    if (kind == PacketKind::kStun) {
      const auto parsed = StunMessage::parse(datagram.bytes);
      ASSERT_TRUE(parsed.message);
      transport_->onStun(*parsed.message, datagram.from, clock_.now());
      return;
    }
    PacketRef packet = wire_.packetOf(datagram.bytes);
    transport_->onDatagram(packet, kind, datagram.from, clock_.now());
  }

  void deliverToServer() {
    for (const Datagram& datagram : std::exchange(wire_.toServer, {})) {
      deliverToServer(datagram);
    }
  }

  void deliverToClient() {
    for (const Datagram& datagram : std::exchange(wire_.toClient, {})) {
      client_->onDatagram(datagram.bytes, clock_.now());
    }
  }

  // Delivers datagrams both ways until the wire is quiet.
  void exchange() {
    for (int round = 0; round < 32 && !(wire_.toClient.empty() && wire_.toServer.empty());
         ++round) {
      deliverToServer();
      deliverToClient();
    }
  }

  // ICE with a nominating check, then DTLS-SRTP.
  void connect() {
    client_->sendCheck(clock_.now());
    exchange();
    ASSERT_TRUE(client_->connected());
    ASSERT_TRUE(transport_->connected());
    ASSERT_EQ(events_.connected, 1);
    client_->takeAnswers();
  }

  // The one datagram the transport sent, parsed as the STUN answer to kCheckId.
  std::optional<StunMessage> onlyAnswer() {
    EXPECT_EQ(wire_.toClient.size(), 1U);
    if (wire_.toClient.size() != 1) {
      return std::nullopt;
    }
    answerBytes_ = wire_.toClient.front().bytes;
    wire_.toClient.clear();
    auto parsed = StunMessage::parse(answerBytes_);
    EXPECT_TRUE(parsed.message);
    if (!parsed.message) {
      return std::nullopt;
    }
    EXPECT_TRUE(std::ranges::equal(parsed.message->transactionId(), kCheckId));
    EXPECT_TRUE(parsed.message->verifyFingerprint());
    return parsed.message;
  }

  std::uint64_t dropped(DropReason reason) const {
    return counters_.datagramsDropped[static_cast<std::size_t>(reason)].value();
  }
  std::uint64_t allDrops() const {
    std::uint64_t total = 0;
    for (const auto& counter : counters_.datagramsDropped) {
      total += counter.value();
    }
    return total;
  }

  testing::FakeWallClock clock_{kStart};
  FakeWire wire_;
  Events events_;
  PacketCounters counters_;
  std::unique_ptr<WebRtcTransport> transport_;
  std::unique_ptr<test::WebRtcTestClient> client_;
  Bytes answerBytes_;
};

// Both DTLS roles for the server, each with one SRTP profile on both sides.
class WebRtcTransportConnectTest
    : public WebRtcTransportTest,
      public ::testing::WithParamInterface<std::tuple<DtlsRole, SrtpProfile>> {};

TEST_P(WebRtcTransportConnectTest, IceDtlsThenSrtpAndSrtcpBothWays) {
  const auto [serverRole, profile] = GetParam();
  WebRtcTransportConfig server = serverConfig(serverRole);
  server.srtpProfiles = {profile};
  test::WebRtcTestClientConfig client = clientConfig(serverRole);
  client.srtpProfiles = {profile};
  create(server, client);

  // ICE: the nominating check is answered with the client's address, and selects it.
  client_->sendCheck(clock_.now());
  deliverToServer();
  EXPECT_EQ(transport_->selectedPath(), kClientWifi);
  EXPECT_EQ(events_.addresses, std::vector{kClientWifi});
  ASSERT_FALSE(wire_.toClient.empty());
  EXPECT_EQ(classifyPacket(wire_.toClient.front().bytes), PacketKind::kStun);
  deliverToClient();
  const auto answers = client_->takeAnswers();
  ASSERT_EQ(answers.size(), 1U);
  EXPECT_EQ(answers[0].messageClass, StunClass::kSuccessResponse);
  EXPECT_EQ(answers[0].mappedAddress, kClientWifi);
  EXPECT_TRUE(answers[0].signedByServer);
  EXPECT_TRUE(client_->nominated());

  // DTLS-SRTP.
  exchange();
  ASSERT_TRUE(client_->connected());
  EXPECT_TRUE(transport_->connected());
  EXPECT_EQ(events_.connected, 1);
  EXPECT_EQ(client_->srtpProfile(), profile);
  // Nothing left for DTLS to retransmit: the next timeout is consent's.
  EXPECT_EQ(transport_->nextTimeout(), clock_.now() + kConsentTimeout + TimePoint::duration(1));

  // RTP, client to server: what the observer gets is the exact plaintext.
  Bytes up = testing::rtpPacket(0x1111'2222, 7, 160, 1, true);
  ASSERT_TRUE(client_->sendRtp(up));
  ASSERT_EQ(wire_.toServer.size(), 1U);
  EXPECT_GT(wire_.toServer.front().bytes.size(), up.size());  // the SRTP tag
  EXPECT_FALSE(std::equal(up.begin() + 12, up.end(), wire_.toServer.front().bytes.begin() + 12));
  deliverToServer();
  ASSERT_EQ(events_.rtp.size(), 1U);
  EXPECT_EQ(events_.rtp[0], up);
  const auto view = RtpPacketView::parse(events_.rtp[0]);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->ssrc(), 0x1111'2222U);
  EXPECT_EQ(view->sequenceNumber(), 7);
  EXPECT_EQ(view->payload().size(), 160U);

  // RTP, server to client, on the selected path.
  const Bytes down = testing::rtpPacket(0x3333'4444, 65535, 1100);
  ASSERT_TRUE(transport_->sendRtp(wire_.packetOf(down)));
  ASSERT_EQ(wire_.toClient.size(), 1U);
  EXPECT_EQ(wire_.toClient.front().to, kClientWifi);
  deliverToClient();
  EXPECT_EQ(client_->takeRtp(), std::vector<Bytes>{down});

  // RTCP both ways.
  const Bytes upReport = receiverReport(0x1111'2222, 0x3333'4444);
  ASSERT_TRUE(client_->sendRtcp(upReport));
  deliverToServer();
  ASSERT_EQ(events_.rtcp.size(), 1U);
  EXPECT_EQ(events_.rtcp[0], upReport);
  EXPECT_EQ(reportedSource(events_.rtcp[0]), 0x3333'4444U);

  const Bytes downReport = receiverReport(0x3333'4444, 0x1111'2222);
  ASSERT_TRUE(transport_->sendRtcp(wire_.packetOf(downReport)));
  ASSERT_EQ(wire_.toClient.size(), 1U);
  EXPECT_EQ(wire_.toClient.front().to, kClientWifi);
  deliverToClient();
  const auto reports = client_->takeRtcp();
  ASSERT_EQ(reports.size(), 1U);
  EXPECT_EQ(reports[0], downReport);
  EXPECT_EQ(reportedSource(reports[0]), 0x1111'2222U);

  EXPECT_EQ(allDrops(), 0U);
  EXPECT_EQ(client_->rejectedSrtp(), 0U);
  EXPECT_EQ(client_->rejectedStun(), 0U);
  EXPECT_TRUE(events_.closed.empty());
}

std::string roleAndProfileName(
    const ::testing::TestParamInfo<std::tuple<DtlsRole, SrtpProfile>>& info) {
  std::string role = std::get<0>(info.param) == DtlsRole::kServer ? "DtlsServer_" : "DtlsClient_";
  switch (std::get<1>(info.param)) {
    case SrtpProfile::kAeadAes128Gcm:
      return role + "AeadAes128Gcm";
    case SrtpProfile::kAeadAes256Gcm:
      return role + "AeadAes256Gcm";
    case SrtpProfile::kAes128CmSha1Tag80:
      return role + "Aes128CmSha1Tag80";
  }
  return role;
}

INSTANTIATE_TEST_SUITE_P(RolesAndProfiles, WebRtcTransportConnectTest,
                         ::testing::Combine(::testing::Values(DtlsRole::kServer, DtlsRole::kClient),
                                            ::testing::Values(SrtpProfile::kAeadAes128Gcm,
                                                              SrtpProfile::kAeadAes256Gcm,
                                                              SrtpProfile::kAes128CmSha1Tag80)),
                         roleAndProfileName);

TEST_F(WebRtcTransportTest, WrongPasswordIsAnsweredWithAnUnsigned401) {
  create(DtlsRole::kServer);
  CheckShape shape;
  shape.password = "NotTheServerPassword0123456789ab";
  deliverToServer({handMadeCheck(shape), kClientWifi, kServerAddress});

  const auto answer = onlyAnswer();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->messageClass(), StunClass::kErrorResponse);
  ASSERT_TRUE(answer->errorCode());
  EXPECT_EQ(answer->errorCode()->code, kStunUnauthenticated);
  EXPECT_FALSE(answer->hasMessageIntegrity());
  EXPECT_EQ(dropped(DropReason::kStunUnauthenticated), 1U);
  EXPECT_TRUE(events_.addresses.empty());
  EXPECT_FALSE(transport_->selectedPath());
}

TEST_F(WebRtcTransportTest, TheClientSeesThe401WhenItHasTheWrongPassword) {
  test::WebRtcTestClientConfig client = clientConfig(DtlsRole::kServer);
  client.serverIce.pwd = "NotTheServerPassword0123456789ab";
  create(serverConfig(DtlsRole::kServer), client);
  client_->sendCheck(clock_.now());
  exchange();

  const auto answers = client_->takeAnswers();
  ASSERT_EQ(answers.size(), 1U);
  EXPECT_EQ(answers[0].messageClass, StunClass::kErrorResponse);
  EXPECT_EQ(answers[0].errorCode, kStunUnauthenticated);
  EXPECT_FALSE(answers[0].signedByServer);
  EXPECT_FALSE(client_->nominated());
  EXPECT_FALSE(client_->connected());
}

TEST_F(WebRtcTransportTest, CheckWithoutUsernameIsAnsweredWithAnUnsigned400) {
  create(DtlsRole::kServer);
  CheckShape shape;
  shape.username = false;
  deliverToServer({handMadeCheck(shape), kClientWifi, kServerAddress});

  const auto answer = onlyAnswer();
  ASSERT_TRUE(answer);
  ASSERT_TRUE(answer->errorCode());
  EXPECT_EQ(answer->errorCode()->code, kStunBadRequest);
  EXPECT_FALSE(answer->hasMessageIntegrity());
  EXPECT_EQ(dropped(DropReason::kStunUnauthenticated), 1U);
  EXPECT_FALSE(transport_->selectedPath());
}

TEST_F(WebRtcTransportTest, CheckFromAControlledPeerIsASigned487) {
  create(DtlsRole::kServer);
  CheckShape shape;
  shape.role = IceRole::kControlled;
  shape.useCandidate = true;
  deliverToServer({handMadeCheck(shape), kClientWifi, kServerAddress});

  const auto answer = onlyAnswer();
  ASSERT_TRUE(answer);
  ASSERT_TRUE(answer->errorCode());
  EXPECT_EQ(answer->errorCode()->code, kStunRoleConflict);
  EXPECT_TRUE(answer->verifyIntegrity(StunIntegrityKey(std::string_view(kServerIce.pwd))));
  EXPECT_FALSE(transport_->selectedPath());
  EXPECT_TRUE(events_.addresses.empty());
}

TEST_F(WebRtcTransportTest, UnknownComprehensionRequiredAttributeIsASigned420ListingIt) {
  create(DtlsRole::kServer);
  CheckShape shape;
  shape.extraAttribute = kUnknownRequiredAttribute;
  shape.useCandidate = true;
  deliverToServer({handMadeCheck(shape), kClientWifi, kServerAddress});

  const auto answer = onlyAnswer();
  ASSERT_TRUE(answer);
  ASSERT_TRUE(answer->errorCode());
  EXPECT_EQ(answer->errorCode()->code, kStunUnknownAttribute);
  EXPECT_TRUE(answer->verifyIntegrity(StunIntegrityKey(std::string_view(kServerIce.pwd))));
  const StunAttributeTypeList unknown = answer->unknownAttributes();
  ASSERT_EQ(unknown.size(), 1U);
  EXPECT_EQ(unknown[0], kUnknownRequiredAttribute);
  EXPECT_FALSE(transport_->selectedPath());
}

TEST_F(WebRtcTransportTest, UnknownComprehensionOptionalAttributeIsIgnored) {
  create(DtlsRole::kServer);
  CheckShape shape;
  shape.extraAttribute = 0xC0DE;
  shape.useCandidate = true;
  deliverToServer({handMadeCheck(shape), kClientWifi, kServerAddress});

  const auto answer = onlyAnswer();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->messageClass(), StunClass::kSuccessResponse);
  EXPECT_EQ(answer->xorMappedAddress(), kClientWifi);
  EXPECT_EQ(transport_->selectedPath(), kClientWifi);
}

TEST_F(WebRtcTransportTest, CheckWithoutFingerprintGetsNoAnswerAndIsCounted) {
  create(DtlsRole::kServer);
  CheckShape shape;
  shape.fingerprint = FingerprintShape::kMissing;
  shape.useCandidate = true;
  deliverToServer({handMadeCheck(shape), kClientWifi, kServerAddress});

  EXPECT_TRUE(wire_.toClient.empty());
  EXPECT_EQ(dropped(DropReason::kStunUnauthenticated), 1U);
  EXPECT_FALSE(transport_->selectedPath());
}

TEST_F(WebRtcTransportTest, CheckWithABadFingerprintGetsNoAnswerAndIsCounted) {
  create(DtlsRole::kServer);
  CheckShape shape;
  shape.fingerprint = FingerprintShape::kCorrupt;
  shape.useCandidate = true;
  deliverToServer({handMadeCheck(shape), kClientWifi, kServerAddress});

  EXPECT_TRUE(wire_.toClient.empty());
  EXPECT_EQ(dropped(DropReason::kStunUnauthenticated), 1U);
  EXPECT_FALSE(transport_->selectedPath());
}

TEST_F(WebRtcTransportTest, ACheckFromANewPathMovesMediaOnlyWhenItNominates) {
  create(DtlsRole::kServer);
  connect();
  ASSERT_EQ(transport_->selectedPath(), kClientWifi);

  // The client's cellular interface checks its pair, without nominating it yet.
  wire_.clientAddress = kClientCellular;
  client_->sendCheck(clock_.now(), false);
  exchange();
  auto answers = client_->takeAnswers();
  ASSERT_EQ(answers.size(), 1U);
  EXPECT_EQ(answers[0].mappedAddress, kClientCellular);
  EXPECT_EQ(events_.addresses, (std::vector{kClientWifi, kClientCellular}));
  EXPECT_EQ(transport_->selectedPath(), kClientWifi);
  ASSERT_TRUE(transport_->sendRtp(wire_.packetOf(testing::rtpPacket(5, 1, 100))));
  ASSERT_EQ(wire_.toClient.size(), 1U);
  EXPECT_EQ(wire_.toClient.front().to, kClientWifi);
  deliverToClient();

  // It nominates the new pair: media follows, and media from there is accepted.
  client_->sendCheck(clock_.now(), true);
  exchange();
  answers = client_->takeAnswers();
  ASSERT_EQ(answers.size(), 1U);
  EXPECT_EQ(answers[0].mappedAddress, kClientCellular);
  EXPECT_EQ(transport_->selectedPath(), kClientCellular);
  EXPECT_EQ(events_.addresses.size(), 2U);  // no new 5-tuple: no new binding
  const Bytes down = testing::rtpPacket(5, 2, 100);
  ASSERT_TRUE(transport_->sendRtp(wire_.packetOf(down)));
  ASSERT_TRUE(transport_->sendRtcp(wire_.packetOf(receiverReport(5, 9))));
  ASSERT_EQ(wire_.toClient.size(), 2U);
  EXPECT_EQ(wire_.toClient[0].to, kClientCellular);
  EXPECT_EQ(wire_.toClient[1].to, kClientCellular);
  deliverToClient();
  const auto received = client_->takeRtp();
  ASSERT_EQ(received.size(), 2U);
  EXPECT_EQ(received[1], down);

  const Bytes up = testing::rtpPacket(9, 1, 100);
  ASSERT_TRUE(client_->sendRtp(up));
  EXPECT_EQ(wire_.toServer.front().from, kClientCellular);
  deliverToServer();
  EXPECT_EQ(events_.rtp, std::vector<Bytes>{up});
  EXPECT_EQ(allDrops(), 0U);
}

TEST_F(WebRtcTransportTest, ConsentExpiresWhenChecksStopForTheTimeout) {
  create(DtlsRole::kServer);
  connect();
  // Consent is lost once more than the timeout has passed since the last check.
  constexpr auto kTick = TimePoint::duration(1);
  const TimePoint lastCheck = clock_.now();
  ASSERT_EQ(transport_->nextTimeout(), lastCheck + kConsentTimeout + kTick);

  // A check within the timeout renews consent (RFC 7675 §5.1).
  clock_.advanceTo(lastCheck + kConsentTimeout);
  transport_->onTimer(clock_.now());
  EXPECT_TRUE(events_.closed.empty());
  client_->sendCheck(clock_.now());
  exchange();
  const TimePoint renewed = clock_.now();
  ASSERT_EQ(transport_->nextTimeout(), renewed + kConsentTimeout + kTick);

  // (Finer than the fake wall clock's microseconds, which only OpenSSL reads.)
  transport_->onTimer(renewed + kConsentTimeout);
  EXPECT_TRUE(events_.closed.empty());
  transport_->onTimer(renewed + kConsentTimeout + kTick);
  EXPECT_EQ(events_.closed, std::vector{TransportCloseReason::kConsentExpired});
  EXPECT_TRUE(transport_->closed());
  EXPECT_FALSE(transport_->nextTimeout());

  // Closed: no more reports, media or answers.
  transport_->onTimer(clock_.now() + 1h);
  EXPECT_EQ(events_.closed.size(), 1U);
  EXPECT_FALSE(transport_->sendRtp(wire_.packetOf(testing::rtpPacket(5, 1, 100))));
  client_->sendCheck(clock_.now());
  deliverToServer();
  EXPECT_TRUE(wire_.toClient.empty());
}

TEST_F(WebRtcTransportTest, StunResponsesAndIndicationsAreUnexpected) {
  create(DtlsRole::kServer);
  std::array<std::uint8_t, 64> buffer{};
  StunMessageBuilder indication(buffer, StunMethod::kBinding, StunClass::kIndication, kCheckId);
  indication.addFingerprint();
  deliverToServer({Bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(
                                                              indication.finish().value_or(0))),
                   kClientWifi, kServerAddress});
  const auto size = StunMessageBuilder::bindingSuccessResponse(
      buffer, kCheckId, kClientWifi, StunIntegrityKey(std::string_view(kClientIce.pwd)));
  ASSERT_TRUE(size);
  deliverToServer({Bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(*size)),
                   kClientWifi, kServerAddress});

  EXPECT_TRUE(wire_.toClient.empty());
  EXPECT_EQ(dropped(DropReason::kStunUnexpected), 2U);
}

TEST_F(WebRtcTransportTest, IceRestartTakesNewCredentialsAndKeepsTheMediaFlowing) {
  create(DtlsRole::kServer);
  connect();
  const IceCredentials serverIce{"SrvUfrag2", "ServerPassword2123456789abcdefAB"};
  const IceCredentials clientIce{"CliUfrag2", "ClientPassword2123456789abcdefAB"};
  transport_->restartIce(serverIce, clientIce.ufrag);
  EXPECT_EQ(transport_->localIce(), serverIce);

  // A check with the old credentials no longer authenticates.
  client_->sendCheck(clock_.now());
  exchange();
  auto answers = client_->takeAnswers();
  ASSERT_EQ(answers.size(), 1U);
  EXPECT_EQ(answers[0].errorCode, kStunUnauthenticated);

  // The server's new credentials with the client's old ufrag: a stale check, ignored.
  client_->restartIce(kClientIce, serverIce);
  client_->sendCheck(clock_.now());
  exchange();
  EXPECT_TRUE(client_->takeAnswers().empty());

  client_->restartIce(clientIce, serverIce);
  client_->sendCheck(clock_.now());
  exchange();
  answers = client_->takeAnswers();
  ASSERT_EQ(answers.size(), 1U);
  EXPECT_EQ(answers[0].messageClass, StunClass::kSuccessResponse);
  EXPECT_EQ(dropped(DropReason::kStunUnauthenticated), 2U);

  const Bytes up = testing::rtpPacket(9, 1, 100);
  ASSERT_TRUE(client_->sendRtp(up));
  deliverToServer();
  EXPECT_EQ(events_.rtp, std::vector<Bytes>{up});
  EXPECT_EQ(events_.connected, 1);
}

TEST_F(WebRtcTransportTest, DtlsHandshakeThatNeverCompletesTimesOut) {
  WebRtcTransportConfig server = serverConfig(DtlsRole::kServer);
  server.dtls.handshakeTimeout = 10s;
  create(server, clientConfig(DtlsRole::kServer));
  client_->sendCheck(clock_.now());
  deliverToServer();
  wire_.toClient.clear();  // the client never hears back, so never starts DTLS
  ASSERT_EQ(transport_->nextTimeout(), kStart + 10s);

  clock_.advanceTo(kStart + 10s);
  transport_->onTimer(clock_.now());
  EXPECT_EQ(events_.closed, std::vector{TransportCloseReason::kDtlsFailed});
  EXPECT_EQ(transport_->dtlsFailure(), DtlsFailure::kHandshakeTimeout);
}

TEST_F(WebRtcTransportTest, PeerCloseNotifyClosesTheTransport) {
  create(DtlsRole::kServer);
  connect();
  client_->close();
  exchange();
  EXPECT_EQ(events_.closed, std::vector{TransportCloseReason::kDtlsClosed});
  EXPECT_TRUE(transport_->closed());
  EXPECT_FALSE(transport_->dtlsFailure());
}

TEST_F(WebRtcTransportTest, RetransmitsALostDtlsFlightOnItsTimer) {
  create(DtlsRole::kClient);
  client_->sendCheck(clock_.now());
  deliverToServer();
  // The answer reaches the client; the ClientHello after it is lost.
  ASSERT_EQ(wire_.toClient.size(), 2U);
  wire_.toClient.pop_back();
  deliverToClient();
  ASSERT_TRUE(wire_.toServer.empty());

  const auto due = transport_->nextTimeout();
  ASSERT_TRUE(due);
  EXPECT_EQ(*due, clock_.now() + 1s);  // RFC 6347 §4.2.4.1: the first retransmission
  clock_.advanceTo(*due);
  transport_->onTimer(clock_.now());
  ASSERT_EQ(wire_.toClient.size(), 1U);
  exchange();
  EXPECT_TRUE(client_->connected());
  EXPECT_EQ(events_.connected, 1);
}

class WebRtcTransportRoleTest : public WebRtcTransportTest,
                                public ::testing::WithParamInterface<DtlsRole> {};

TEST_P(WebRtcTransportRoleTest, ClientCertificateNotMatchingItsFingerprintFailsDtls) {
  WebRtcTransportConfig server = serverConfig(GetParam());
  server.peerFingerprint = wrongFingerprint();
  create(server, clientConfig(GetParam()));
  client_->sendCheck(clock_.now());
  exchange();

  EXPECT_EQ(events_.closed, std::vector{TransportCloseReason::kDtlsFailed});
  EXPECT_EQ(transport_->dtlsFailure(), DtlsFailure::kFingerprintMismatch);
  EXPECT_TRUE(transport_->closed());
  EXPECT_FALSE(transport_->connected());
  EXPECT_FALSE(client_->connected());
  EXPECT_EQ(events_.connected, 0);
}

TEST_P(WebRtcTransportRoleTest, ServerCertificateNotMatchingItsFingerprintIsAPeerAlert) {
  test::WebRtcTestClientConfig client = clientConfig(GetParam());
  client.serverFingerprint = wrongFingerprint();
  create(serverConfig(GetParam()), client);
  client_->sendCheck(clock_.now());
  exchange();

  EXPECT_EQ(client_->dtlsFailure(), DtlsFailure::kFingerprintMismatch);
  EXPECT_EQ(events_.closed, std::vector{TransportCloseReason::kDtlsFailed});
  EXPECT_EQ(transport_->dtlsFailure(), DtlsFailure::kPeerAlert);
}

TEST_P(WebRtcTransportRoleTest, CloseSendsCloseNotifyAndReportsNothing) {
  create(serverConfig(GetParam()), clientConfig(GetParam()));
  connect();
  transport_->close();
  exchange();
  EXPECT_TRUE(client_->dtlsClosed());
  EXPECT_TRUE(events_.closed.empty());
  EXPECT_FALSE(transport_->sendRtp(wire_.packetOf(testing::rtpPacket(5, 1, 100))));
}

INSTANTIATE_TEST_SUITE_P(BothRoles, WebRtcTransportRoleTest,
                         ::testing::Values(DtlsRole::kServer, DtlsRole::kClient),
                         [](const auto& info) {
                           return info.param == DtlsRole::kServer ? "DtlsServer" : "DtlsClient";
                         });

TEST_F(WebRtcTransportTest, ReplayedSrtpIsDroppedAsReplay) {
  create(DtlsRole::kServer);
  connect();
  const Bytes rtp = testing::rtpPacket(0xabc, 1, 200);
  ASSERT_TRUE(client_->sendRtp(rtp));
  wire_.toServer.push_back(wire_.toServer.front());
  deliverToServer();
  EXPECT_EQ(events_.rtp, std::vector<Bytes>{rtp});
  EXPECT_EQ(dropped(DropReason::kSrtpReplay), 1U);
  EXPECT_EQ(allDrops(), 1U);
}

TEST_F(WebRtcTransportTest, TamperedSrtpAndSrtcpAreDroppedAsAuthenticationFailures) {
  create(DtlsRole::kServer);
  connect();
  ASSERT_TRUE(client_->sendRtp(testing::rtpPacket(0xabc, 1, 200)));
  ASSERT_TRUE(client_->sendRtcp(receiverReport(0xabc, 0xdef)));
  wire_.toServer[0].bytes[40] ^= 0x80;  // payload
  wire_.toServer[1].bytes[10] ^= 0x01;  // encrypted report block
  deliverToServer();
  EXPECT_TRUE(events_.rtp.empty());
  EXPECT_TRUE(events_.rtcp.empty());
  EXPECT_EQ(dropped(DropReason::kSrtpAuth), 2U);
  EXPECT_EQ(allDrops(), 2U);

  // The untampered packets after them still pass: a forgery does not poison the stream.
  const Bytes rtp = testing::rtpPacket(0xabc, 2, 200);
  ASSERT_TRUE(client_->sendRtp(rtp));
  deliverToServer();
  EXPECT_EQ(events_.rtp, std::vector<Bytes>{rtp});
}

TEST_F(WebRtcTransportTest, MediaBeforeDtlsCompletesIsNotReady) {
  create(DtlsRole::kServer);
  client_->sendCheck(clock_.now());
  deliverToServer();
  ASSERT_EQ(transport_->selectedPath(), kClientWifi);
  wire_.toClient.clear();  // the DTLS handshake has not happened yet

  deliverToServer({testing::rtpPacket(0xabc, 1, 100), kClientWifi, kServerAddress});
  deliverToServer({receiverReport(0xabc, 0xdef), kClientWifi, kServerAddress});
  EXPECT_EQ(dropped(DropReason::kSrtpNotReady), 2U);
  EXPECT_TRUE(events_.rtp.empty());
  EXPECT_TRUE(events_.rtcp.empty());

  EXPECT_FALSE(transport_->sendRtp(wire_.packetOf(testing::rtpPacket(5, 1, 100))));
  EXPECT_EQ(dropped(DropReason::kSrtpNotReady), 3U);
  EXPECT_TRUE(wire_.toClient.empty());
}

TEST_F(WebRtcTransportTest, PacketSlotsAreReturnedToThePool) {
  create(DtlsRole::kServer);
  const std::size_t before = wire_.freeSlots();
  connect();
  ASSERT_TRUE(client_->sendRtp(testing::rtpPacket(0xabc, 1, 100)));
  ASSERT_TRUE(transport_->sendRtp(wire_.packetOf(testing::rtpPacket(5, 1, 100))));
  exchange();
  EXPECT_EQ(wire_.freeSlots(), before);
}

}  // namespace
}  // namespace chorus::media
