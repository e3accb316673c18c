#include "server/config/ConfigKeys.h"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "signaling/cluster/PeerUrl.h"
#include "signaling/http/OriginAllowList.h"

namespace chorus::server {
namespace {

template <typename Number>
std::optional<Number> parseNumber(std::string_view text, Number min, Number max) {
  Number value{};
  const auto* end = text.data() + text.size();
  const auto [at, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc{} || at != end || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

bool isIpAddress(std::string_view text) {
  const std::string address(text);
  std::array<unsigned char, sizeof(in6_addr)> bytes{};
  return inet_pton(AF_INET, address.c_str(), bytes.data()) == 1 ||
         inet_pton(AF_INET6, address.c_str(), bytes.data()) == 1;
}

// `field` is a generic lambda returning a reference to the key's member, for a const or
// non-const Config alike.
template <typename Field>
ConfigKey numberKey(std::string_view name, std::string_view help, Field field, std::uint64_t min,
                    std::uint64_t max) {
  return {name, help,
          [field, min, max](Config& config, std::string_view text) -> std::optional<std::string> {
            using Number = std::remove_reference_t<decltype(field(config))>;
            const auto value = parseNumber<std::uint64_t>(text, min, max);
            if (!value) {
              return "is not a whole number from " + std::to_string(min) + " to " +
                     std::to_string(max);
            }
            field(config) = static_cast<Number>(*value);
            return std::nullopt;
          },
          [field](const Config& config) { return std::to_string(field(config)); }};
}

template <typename Field>
ConfigKey boolKey(std::string_view name, std::string_view help, Field field) {
  return {name, help,
          [field](Config& config, std::string_view text) -> std::optional<std::string> {
            if (text != "true" && text != "false") {
              return "is not true or false";
            }
            field(config) = text == "true";
            return std::nullopt;
          },
          [field](const Config& config) { return field(config) ? "true" : "false"; }};
}

template <typename Field>
ConfigKey portKey(std::string_view name, std::string_view help, Field field) {
  return numberKey(name, help, field, 0, std::numeric_limits<std::uint16_t>::max());
}

// A whole number of seconds from `min` (1 unless zero means something) to a day.
template <typename Field>
ConfigKey secondsKey(std::string_view name, std::string_view help, Field field,
                     std::uint64_t min = 1) {
  constexpr std::uint64_t kDay = 86400;
  return {name, help,
          [field, min](Config& config, std::string_view text) -> std::optional<std::string> {
            const auto value = parseNumber<std::uint64_t>(text, min, kDay);
            if (!value) {
              return "is not a number of seconds from " + std::to_string(min) + " to 86400";
            }
            field(config) = std::chrono::seconds(*value);
            return std::nullopt;
          },
          [field](const Config& config) { return std::to_string(field(config).count()); }};
}

template <typename Field>
ConfigKey addressKey(std::string_view name, std::string_view help, Field field) {
  return {name, help,
          [field](Config& config, std::string_view text) -> std::optional<std::string> {
            if (!isIpAddress(text)) {
              return "is not an IPv4 or IPv6 address";
            }
            field(config) = std::string(text);
            return std::nullopt;
          },
          [field](const Config& config) { return field(config); }};
}

template <typename Field>
ConfigKey optionalAddressKey(std::string_view name, std::string_view help, Field field) {
  return {name, help,
          [field](Config& config, std::string_view text) -> std::optional<std::string> {
            if (!text.empty() && !isIpAddress(text)) {
              return "is not empty nor an IPv4 or IPv6 address";
            }
            field(config) = std::string(text);
            return std::nullopt;
          },
          [field](const Config& config) { return field(config); }};
}

template <typename Field>
ConfigKey pathKey(std::string_view name, std::string_view help, Field field) {
  return {name, help,
          [field](Config& config, std::string_view text) -> std::optional<std::string> {
            if (text.empty()) {
              return "is empty";
            }
            field(config) = std::string(text);
            return std::nullopt;
          },
          [field](const Config& config) { return field(config); }};
}

template <typename Field>
ConfigKey optionalPathKey(std::string_view name, std::string_view help, Field field) {
  return {name, help,
          [field](Config& config, std::string_view text) -> std::optional<std::string> {
            field(config) = std::string(text);
            return std::nullopt;
          },
          [field](const Config& config) { return field(config); }};
}

// Any text; --print-config shows only whether it is set, so a printed configuration pasted into
// a ticket or a log does not carry it.
template <typename Field>
ConfigKey secretKey(std::string_view name, std::string_view help, Field field) {
  return {name, help,
          [field](Config& config, std::string_view text) -> std::optional<std::string> {
            field(config) = std::string(text);
            return std::nullopt;
          },
          [field](const Config& config) {
            return field(config).empty() ? std::string() : std::string("<redacted>");
          }};
}

constexpr std::array<std::pair<std::string_view, media::SrtpProfile>, 3> kSrtpProfileNames{{
    {"aead_aes_128_gcm", media::SrtpProfile::kAeadAes128Gcm},
    {"aead_aes_256_gcm", media::SrtpProfile::kAeadAes256Gcm},
    {"aes128_cm_sha1_80", media::SrtpProfile::kAes128CmSha1Tag80},
}};

constexpr std::array<std::pair<std::string_view, signaling::VideoCodec>, 5> kVideoCodecNames{{
    {"vp8", signaling::VideoCodec::kVp8},
    {"vp9", signaling::VideoCodec::kVp9},
    {"h264-constrained-baseline", signaling::VideoCodec::kH264ConstrainedBaseline},
    {"h264-main", signaling::VideoCodec::kH264Main},
    {"av1", signaling::VideoCodec::kAv1},
}};

std::string_view trimmed(std::string_view word) {
  while (!word.empty() && word.front() == ' ') {
    word.remove_prefix(1);
  }
  while (!word.empty() && word.back() == ' ') {
    word.remove_suffix(1);
  }
  return word;
}

// A comma-separated, non-empty list of distinct names from `names`, most preferred first.
template <typename Enum, std::size_t N, typename Field>
ConfigKey enumListKey(std::string_view name, std::string_view help, Field field,
                      const std::array<std::pair<std::string_view, Enum>, N>& names) {
  return {name, help,
          [field, &names](Config& config, std::string_view text) -> std::optional<std::string> {
            std::vector<Enum> values;
            while (!text.empty()) {
              const std::size_t comma = std::min(text.find(','), text.size());
              const std::string_view word = trimmed(text.substr(0, comma));
              text.remove_prefix(std::min(comma + 1, text.size()));
              const auto* found =
                  std::find_if(names.begin(), names.end(),
                               [word](const auto& entry) { return entry.first == word; });
              if (found == names.end() ||
                  std::find(values.begin(), values.end(), found->second) != values.end()) {
                std::string known;
                for (const auto& [known_name, value] : names) {
                  known += (known.empty() ? "" : ", ") + std::string(known_name);
                }
                return "is not a list of distinct names from: " + known;
              }
              values.push_back(found->second);
            }
            if (values.empty()) {
              return "names nothing";
            }
            field(config) = std::move(values);
            return std::nullopt;
          },
          [field, &names](const Config& config) {
            std::string text;
            for (const Enum chosen : field(config)) {
              for (const auto& [word, value] : names) {
                if (value == chosen) {
                  text += (text.empty() ? "" : ",") + std::string(word);
                }
              }
            }
            return text;
          }};
}

// A comma-separated list of web origins (signaling::OriginAllowList); empty text: none.
template <typename Field>
ConfigKey originsKey(std::string_view name, std::string_view help, Field field) {
  ConfigKey key{name, help,
                [field](Config& config, std::string_view text) -> std::optional<std::string> {
                  std::vector<std::string> origins;
                  while (!text.empty()) {
                    const std::size_t comma = std::min(text.find(','), text.size());
                    const std::string_view word = trimmed(text.substr(0, comma));
                    text.remove_prefix(std::min(comma + 1, text.size()));
                    const auto origin = signaling::OriginAllowList::normalize(word);
                    if (!origin) {
                      return "has \"" + std::string(word) +
                             "\", which is not an origin like https://app.example.com[:port]";
                    }
                    origins.push_back(*origin);
                  }
                  field(config) = std::move(origins);
                  return std::nullopt;
                },
                [field](const Config& config) {
                  std::string text;
                  for (const std::string& origin : field(config)) {
                    text += (text.empty() ? "" : ",") + origin;
                  }
                  return text;
                }};
  key.list = true;
  return key;
}

// A comma-separated list of peers' control URLs (signaling::PeerUrl); empty text: none.
template <typename Field>
ConfigKey peersKey(std::string_view name, std::string_view help, Field field) {
  ConfigKey key{name, help,
                [field](Config& config, std::string_view text) -> std::optional<std::string> {
                  std::vector<std::string> peers;
                  while (!text.empty()) {
                    const std::size_t comma = std::min(text.find(','), text.size());
                    const std::string_view word = trimmed(text.substr(0, comma));
                    text.remove_prefix(std::min(comma + 1, text.size()));
                    const auto peer = signaling::PeerUrl::parse(word);
                    if (!peer) {
                      return "has \"" + std::string(word) +
                             "\", which is not a control URL like http://10.0.0.5:8080";
                    }
                    peers.push_back(peer->text());
                  }
                  field(config) = std::move(peers);
                  return std::nullopt;
                },
                [field](const Config& config) {
                  std::string text;
                  for (const std::string& peer : field(config)) {
                    text += (text.empty() ? "" : ",") + peer;
                  }
                  return text;
                }};
  key.list = true;
  return key;
}

// Empty, or a ws:// or wss:// URL: what a browser's WebSocket constructor is given.
template <typename Field>
ConfigKey webSocketUrlKey(std::string_view name, std::string_view help, Field field) {
  return {name, help,
          [field](Config& config, std::string_view text) -> std::optional<std::string> {
            const bool scheme = text.starts_with("ws://") || text.starts_with("wss://");
            const bool hasSpace = text.find_first_of(" \t\r\n") != std::string_view::npos;
            if (!text.empty() && (!scheme || hasSpace || text.ends_with("//"))) {
              return "is not empty nor a WebSocket URL like wss://chorus-1.example.com/ws";
            }
            field(config) = std::string(text);
            return std::nullopt;
          },
          [field](const Config& config) { return field(config); }};
}

template <typename Enum, std::size_t N, typename Field>
ConfigKey choiceKey(std::string_view name, std::string_view help, Field field,
                    std::array<std::pair<std::string_view, Enum>, N> choices) {
  return {name, help,
          [field, choices](Config& config, std::string_view text) -> std::optional<std::string> {
            for (const auto& [word, value] : choices) {
              if (word == text) {
                field(config) = value;
                return std::nullopt;
              }
            }
            std::string expected = "is not one of:";
            for (const auto& choice : choices) {
              expected += " " + std::string(choice.first);
            }
            return expected;
          },
          [field, choices](const Config& config) {
            for (const auto& [word, value] : choices) {
              if (value == field(config)) {
                return std::string(word);
              }
            }
            return std::string("?");
          }};
}

constexpr std::array<std::pair<std::string_view, LogLevel>, 5> kLogLevels{{
    {"trace", LogLevel::kTrace},
    {"debug", LogLevel::kDebug},
    {"info", LogLevel::kInfo},
    {"warn", LogLevel::kWarn},
    {"error", LogLevel::kError},
}};
constexpr std::array<std::pair<std::string_view, LogFormat>, 2> kLogFormats{{
    {"text", LogFormat::kText},
    {"json", LogFormat::kJson},
}};

std::vector<ConfigKey> buildKeys() {
  constexpr std::uint64_t kMaxWorkers = 1024;
  constexpr std::uint64_t kMinHttpBytes = 1024;
  constexpr std::uint64_t kMaxHttpBytes = std::uint64_t{16} * 1024 * 1024;
  constexpr std::uint64_t kMinUdpBuffer = std::uint64_t{64} * 1024;
  constexpr std::uint64_t kMaxUdpBuffer = std::uint64_t{256} * 1024 * 1024;
  constexpr std::uint64_t kMinPoolSlots = 64;  // two receive batches and some to hold
  constexpr std::uint64_t kMaxPoolSlots = std::uint64_t{1} << 22;
  constexpr std::uint64_t kMaxMessageRate = 10000;
  constexpr std::uint64_t kMaxConnections = 1000000;
  constexpr std::uint64_t kMaxParticipants = 10000;
  constexpr std::uint64_t kMaxVideoBitrateKbps = 100000;
  return {
      boolKey(
          "dev_mode",
          "development only: the built-in application chorus-dev and GET /dev/token; never "
          "in production",
          [](auto& c) -> auto& { return c.devMode; }),
      choiceKey(
          "log.level", "least severe level written: trace, debug, info, warn, error",
          [](auto& c) -> auto& { return c.log.level; }, kLogLevels),
      choiceKey(
          "log.format", "text (timestamp level event key=value) or json (one object a line)",
          [](auto& c) -> auto& { return c.log.format; }, kLogFormats),
      addressKey(
          "http.listen_address", "address of the control port (HTTP, WebSocket, metrics)",
          [](auto& c) -> auto& { return c.http.listenAddress; }),
      portKey(
          "http.port", "control port; 0 lets the kernel choose (tests)",
          [](auto& c) -> auto& { return c.http.port; }),
      numberKey(
          "http.max_body_bytes", "largest HTTP request body accepted (413 beyond)",
          [](auto& c) -> auto& { return c.http.maxBodyBytes; }, kMinHttpBytes, kMaxHttpBytes),
      numberKey(
          "http.max_header_bytes", "largest HTTP request header block accepted (431 beyond)",
          [](auto& c) -> auto& { return c.http.maxHeaderBytes; }, kMinHttpBytes, kMaxHttpBytes),
      secondsKey(
          "http.idle_timeout_seconds",
          "an HTTP connection that sends nothing for this long is closed",
          [](auto& c) -> auto& { return c.http.idleTimeout; }),
      pathKey(
          "http.web_root", "folder of the web client; its demo/ is served at /, its sdk/ at /sdk/",
          [](auto& c) -> auto& { return c.http.webRoot; }),
      optionalPathKey(
          "http.tls_certificate_file",
          "PEM certificate chain for TLS on the control port (https, wss); empty: plain HTTP",
          [](auto& c) -> auto& { return c.http.tlsCertificateFile; }),
      optionalPathKey(
          "http.tls_private_key_file",
          "PEM private key of http.tls_certificate_file; set both or neither",
          [](auto& c) -> auto& { return c.http.tlsPrivateKeyFile; }),
      numberKey(
          "workers.count", "worker threads (media shards); 0: the CPUs this process may use",
          [](auto& c) -> auto& { return c.workers.count; }, 0, kMaxWorkers),
      secondsKey(
          "workers.stall_timeout_seconds",
          "/healthz fails when a worker loop has not turned for this long",
          [](auto& c) -> auto& { return c.workers.stallTimeout; }),
      addressKey(
          "media.listen_address", "address of the workers' media UDP ports",
          [](auto& c) -> auto& { return c.media.listenAddress; }),
      optionalAddressKey(
          "media.announced_address",
          "address peers reach the media ports at (NAT, Kubernetes node "
          "address); empty: media.listen_address",
          [](auto& c) -> auto& { return c.media.announcedAddress; }),
      portKey(
          "media.port_base", "UDP port of worker 0; worker i uses port_base + i; 0: any ports",
          [](auto& c) -> auto& { return c.media.portBase; }),
      portKey(
          "media.tcp_port",
          "TCP port for ICE over TCP (clients whose UDP is blocked); 0 lets the kernel choose",
          [](auto& c) -> auto& { return c.media.tcpPort; }),
      numberKey(
          "media.udp_buffer_bytes",
          "kernel receive and send buffer of each media socket (SO_RCVBUF, SO_SNDBUF)",
          [](auto& c) -> auto& { return c.media.udpBufferBytes; }, kMinUdpBuffer, kMaxUdpBuffer),
      numberKey(
          "media.packet_pool_slots",
          "packet buffers per worker (2 KiB each); none free: packets are dropped, counted",
          [](auto& c) -> auto& { return c.media.packetPoolSlots; }, kMinPoolSlots, kMaxPoolSlots),
      numberKey(
          "media.test_drop_permille",
          "TEST ONLY: drop this many of every 1000 RTP packets sent to subscribers (loss "
          "injection for the NACK browser test); keep 0",
          [](auto& c) -> auto& { return c.media.testDropPermille; }, 0, 1000),
      secondsKey(
          "media.ice_consent_timeout_seconds",
          "a transport whose peer sent no authentic ICE check for this long is closed "
          "(RFC 7675)",
          [](auto& c) -> auto& { return c.media.iceConsentTimeout; }),
      enumListKey(
          "dtls.srtp_profiles",
          "SRTP profiles for DTLS-SRTP, most preferred first, comma-separated: "
          "aead_aes_128_gcm, aead_aes_256_gcm, aes128_cm_sha1_80",
          [](auto& c) -> auto& { return c.dtls.srtpProfiles; }, kSrtpProfileNames),
      optionalPathKey(
          "dtls.certificate_file",
          "PEM certificate for DTLS; empty: generate an ECDSA P-256 one at start",
          [](auto& c) -> auto& { return c.dtls.certificateFile; }),
      optionalPathKey(
          "dtls.private_key_file", "PEM private key of dtls.certificate_file",
          [](auto& c) -> auto& { return c.dtls.privateKeyFile; }),
      numberKey(
          "signaling.max_message_bytes",
          "largest WebSocket message accepted; a larger one closes the connection (1009)",
          [](auto& c) -> auto& { return c.signaling.maxMessageBytes; }, kMinHttpBytes,
          kMaxHttpBytes),
      numberKey(
          "signaling.messages_per_second",
          "WebSocket messages a connection may send a second (bursts of twice as many); "
          "beyond: rate_limited",
          [](auto& c) -> auto& { return c.signaling.messagesPerSecond; }, 1, kMaxMessageRate),
      numberKey(
          "signaling.max_connections", "open WebSocket connections; beyond, upgrades get 503",
          [](auto& c) -> auto& { return c.signaling.maxConnections; }, 1, kMaxConnections),
      secondsKey(
          "signaling.handshake_timeout_seconds",
          "a WebSocket opening or closing handshake not done in this time is dropped",
          [](auto& c) -> auto& { return c.signaling.handshakeTimeout; }),
      secondsKey(
          "signaling.idle_timeout_seconds",
          "a WebSocket connection silent for this long is pinged at half of it and closed "
          "if nothing comes back",
          [](auto& c) -> auto& { return c.signaling.idleTimeout; }),
      originsKey(
          "signaling.allowed_origins",
          "origins whose pages may open /ws (https://app.example.com), comma-separated; "
          "empty: any; an upgrade without Origin is always allowed",
          [](auto& c) -> auto& { return c.signaling.allowedOrigins; }),
      numberKey(
          "rooms.max_participants", "participants a room holds; one more join gets room_full",
          [](auto& c) -> auto& { return c.rooms.maxParticipants; }, 1, kMaxParticipants),
      enumListKey(
          "rooms.video_codecs",
          "video codecs a room may use, most preferred first, comma-separated: vp8, vp9, "
          "h264-constrained-baseline, h264-main, av1; a room takes the first its first video "
          "publisher offers",
          [](auto& c) -> auto& { return c.rooms.videoCodecs; }, kVideoCodecNames),
      numberKey(
          "rooms.members_per_worker",
          "a room's participants share one worker up to this many; the next as many go to the "
          "next worker",
          [](auto& c) -> auto& { return c.rooms.membersPerWorker; }, 1, kMaxParticipants),
      numberKey(
          "rooms.max_video_bitrate_kbps",
          "kbit/s a publisher's video may use in a two-person room (b=AS and REMB); lowered as "
          "the room's video publishers grow; 0: no cap",
          [](auto& c) -> auto& { return c.rooms.maxVideoBitrateKbps; }, 0, kMaxVideoBitrateKbps),
      numberKey(
          "rooms.min_video_bitrate_kbps",
          "the least kbit/s a publisher's video is capped at however large the room",
          [](auto& c) -> auto& { return c.rooms.minVideoBitrateKbps; }, 0, kMaxVideoBitrateKbps),
      secondsKey(
          "rooms.empty_room_grace_seconds",
          "a room whose last participant left closes after this long if nobody joins",
          [](auto& c) -> auto& { return c.rooms.emptyRoomGrace; }),
      secondsKey(
          "rooms.resume_window_seconds",
          "a participant whose WebSocket dropped may resume for this long before it leaves",
          [](auto& c) -> auto& { return c.rooms.resumeWindow; }),
      secondsKey(
          "drain.deadline_seconds",
          "after SIGTERM, new joins are refused and clients told to move; the process exits "
          "once no participant is left or after this long; 0: SIGTERM stops at once",
          [](auto& c) -> auto& { return c.drain.deadline; }, 0),
      optionalPathKey(
          "auth.applications_file",
          "YAML file mapping application keys to their HS256 secrets (32 bytes or more); "
          "empty: no application",
          [](auto& c) -> auto& { return c.auth.applicationsFile; }),
      webSocketUrlKey(
          "cluster.advertise_url",
          "WebSocket URL clients reach this node's /ws at (wss://chorus-1.example.com/ws), "
          "unique per node; empty: no cluster, every room is local",
          [](auto& c) -> auto& { return c.cluster.advertiseUrl; }),
      peersKey(
          "cluster.peers",
          "the other nodes' control ports (http://10.0.0.5:8080, https:// where they have TLS), "
          "comma-separated; a join for a room that belongs on one of them is sent there",
          [](auto& c) -> auto& { return c.cluster.peers; }),
      optionalPathKey(
          "cluster.peers_dns",
          "DNS name whose A/AAAA records are the nodes, each at http.port, over TLS if this node's "
          "control port has it (a Kubernetes headless Service); re-resolved every probe; empty: "
          "cluster.peers only",
          [](auto& c) -> auto& { return c.cluster.peersDns; }),
      secondsKey(
          "cluster.probe_interval_seconds",
          "how often each peer's GET /cluster/state is read; an unreachable peer takes no rooms",
          [](auto& c) -> auto& { return c.cluster.probeInterval; }),
      secretKey(
          "cluster.secret",
          "bearer token the nodes present to each other's /cluster/state; required with "
          "cluster.advertise_url; printed as <redacted>",
          [](auto& c) -> auto& { return c.cluster.secret; }),
  };
}

}  // namespace

std::string ConfigKey::environmentName() const {
  std::string variable = "CHORUS_";
  for (const char c : name) {
    variable.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(c)));
  }
  return variable;
}

std::span<const ConfigKey> configKeys() {
  static const std::vector<ConfigKey> kKeys = buildKeys();
  return kKeys;
}

const ConfigKey* findConfigKey(std::string_view name) {
  const auto keys = configKeys();
  const auto found = std::find_if(keys.begin(), keys.end(),
                                  [name](const ConfigKey& key) { return key.name == name; });
  return found == keys.end() ? nullptr : &*found;
}

}  // namespace chorus::server
