#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "media/security/DtlsEndpoint.h"
#include "media/security/SrtpProfile.h"
#include "signaling/sdp/CodecPreference.h"

namespace chorus::server {

enum class LogLevel : std::uint8_t { kTrace, kDebug, kInfo, kWarn, kError };
enum class LogFormat : std::uint8_t { kText, kJson };

// The whole process configuration as typed values. Built by ConfigLoader from the embedded
// defaults, then a YAML file, then CHORUS_* environment variables, then command-line flags;
// every key is listed, with its meaning, in ConfigKeys.cpp and in the README.
struct Config {
  struct Log {
    LogLevel level = LogLevel::kInfo;
    LogFormat format = LogFormat::kText;
  };
  struct Http {
    std::string listenAddress = "127.0.0.1";
    std::uint16_t port = 8080;
    std::size_t maxBodyBytes = std::size_t{64} * 1024;
    std::size_t maxHeaderBytes = std::size_t{8} * 1024;
    std::chrono::seconds idleTimeout{30};
    std::string webRoot = "web";
    // PEM files of the control port's TLS certificate chain and its private key: both set, the
    // port speaks only TLS (https, wss); both empty, plain HTTP. Production normally terminates
    // TLS at the ingress instead.
    std::string tlsCertificateFile;
    std::string tlsPrivateKeyFile;
  };
  struct Workers {
    unsigned count = 0;  // 0: the CPUs this process may use
    std::chrono::seconds stallTimeout{5};
  };
  struct Media {
    std::string listenAddress = "127.0.0.1";
    std::string announcedAddress;    // empty: listenAddress
    std::uint16_t portBase = 40000;  // worker i listens on portBase + i; 0: the kernel chooses
    std::uint16_t tcpPort = 40100;   // ICE-TCP passive candidates, one for all workers; 0: any
    std::size_t udpBufferBytes = std::size_t{4} * 1024 * 1024;
    std::size_t packetPoolSlots = 8192;
    // TEST ONLY: drop this many of every 1000 RTP packets sent to subscribers, to exercise NACK
    // and RTX (tests/e2e/loss.test.mjs). 0 in any real deployment.
    unsigned testDropPermille = 0;
    // RFC 7675: a transport whose peer sent no authentic check for this long is closed.
    std::chrono::seconds iceConsentTimeout{30};
  };

  struct Dtls {
    // PEM files of the DTLS certificate and its private key; both empty: a fresh ECDSA P-256
    // certificate is generated at start (browsers pin it per session through the SDP anyway).
    std::string certificateFile;
    std::string privateKeyFile;
    // The use_srtp profiles offered and accepted, most preferred first (RFC 5764 §4.1.2).
    std::vector<media::SrtpProfile> srtpProfiles{media::kDefaultSrtpProfiles.begin(),
                                                 media::kDefaultSrtpProfiles.end()};
  };

  // The WebSocket endpoint /ws on the control port (docs/signaling.md, "WebSocket API").
  struct Signaling {
    std::size_t maxMessageBytes = std::size_t{64} * 1024;
    unsigned messagesPerSecond = 20;  // per connection; bursts of twice as many
    std::size_t maxConnections = 10000;
    std::chrono::seconds handshakeTimeout{10};
    std::chrono::seconds idleTimeout{30};  // pinged at half of it; closed if nothing comes back
    // Origins (RFC 6454 §6.1 serializations, scheme and host lowercased) whose pages may open
    // /ws; empty: any. An upgrade without an Origin header (a native client) is always let in.
    std::vector<std::string> allowedOrigins;
  };
  // Rooms and their participants (docs/signaling.md, "Rooms and media").
  struct Rooms {
    std::size_t maxParticipants = 100;
    std::chrono::seconds emptyRoomGrace{10};  // an empty room waits this long before closing
    std::chrono::seconds resumeWindow{15};    // a dropped participant may resume for this long
    // A room's participants share a worker up to this many; the next ones go to the next worker
    // (docs/architecture.md, "Placement").
    std::size_t membersPerWorker = 16;
    // The room codec policy's list (docs/signaling.md, "Room codec policy").
    std::vector<signaling::VideoCodec> videoCodecs{
        signaling::VideoCodec::kVp8, signaling::VideoCodec::kVp9,
        signaling::VideoCodec::kH264ConstrainedBaseline, signaling::VideoCodec::kH264Main,
        signaling::VideoCodec::kAv1};
    // The cap on a publisher's video (docs/signaling.md, "Bitrate"): the most, in a two-person
    // room, and the least it is lowered to as the room's video publishers grow; 0: no cap.
    std::uint32_t maxVideoBitrateKbps = 2500;
    std::uint32_t minVideoBitrateKbps = 300;
  };
  // The graceful stop on SIGTERM (docs/architecture.md, "Stopping and draining").
  struct Drain {
    // How long participants may stay after SIGTERM before the process exits anyway; 0: no
    // drain, SIGTERM stops at once.
    std::chrono::seconds deadline{60};
  };
  struct Auth {
    // YAML map of application key -> HS256 secret; empty: no application, every token refused.
    std::string applicationsFile;
  };

  // Several chorusd nodes serving one deployment (docs/architecture.md, "Several nodes"): each
  // sends a join to the node its room belongs on.
  struct Cluster {
    // The WebSocket URL clients reach this node's /ws at (wss://chorus-1.example.com/ws);
    // empty: no cluster, every room is local.
    std::string advertiseUrl;
    // The other nodes' control ports (http://10.0.0.5:8080), probed at GET /cluster/state.
    std::vector<std::string> peers;
    // A DNS name whose A/AAAA records are the nodes (a Kubernetes headless Service), each at
    // http.port; re-resolved every probe. This node's own record is recognised and skipped.
    std::string peersDns;
    std::chrono::seconds probeInterval{2};
    // The bearer token nodes present to each other's /cluster/state.
    std::string secret;
  };

  // Development conveniences that must never reach production: the built-in application
  // signaling::kDevApplicationKey and the token endpoint GET /dev/token.
  bool devMode = false;
  Log log;
  Http http;
  Workers workers;
  Media media;
  Dtls dtls;
  Signaling signaling;
  Rooms rooms;
  Drain drain;
  Auth auth;
  Cluster cluster;
};

// A configuration that cannot be used. The message names the key, the value and the source.
// chorusd exits with status 2 on it.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace chorus::server
