#include "server/Server.h"

#include <csignal>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "server/config/ApplicationsFile.h"
#include "server/log/Logging.h"
#include "server/metrics/BuildInfo.h"
#include "signaling/auth/DevApplication.h"

namespace chorus::server {

namespace {

std::string readFile(const std::string& path, std::string_view key) {
  std::ifstream stream(path);
  if (!stream) {
    throw ConfigError(std::string(key) + " = \"" + path + "\" cannot be read");
  }
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

// The DTLS certificate every transport presents: the configured PEM pair, or a fresh one.
media::DtlsCertificate loadCertificate(const Config::Dtls& config) {
  if (config.certificateFile.empty() != config.privateKeyFile.empty()) {
    throw ConfigError("dtls.certificate_file and dtls.private_key_file go together: set both");
  }
  auto certificate = config.certificateFile.empty()
                         ? media::DtlsCertificate::generate(std::chrono::system_clock::now())
                         : media::DtlsCertificate::fromPem(
                               readFile(config.certificateFile, "dtls.certificate_file"),
                               readFile(config.privateKeyFile, "dtls.private_key_file"));
  if (!certificate) {
    throw ConfigError(config.certificateFile.empty()
                          ? "cannot generate a DTLS certificate (OpenSSL failed)"
                          : "dtls.certificate_file and dtls.private_key_file are not a PEM "
                            "certificate and its private key");
  }
  spdlog::info("dtls_certificate fingerprint={}", logValue(certificate->fingerprint().toSdp()));
  return std::move(*certificate);
}

// Loud on purpose: a server in dev_mode accepts tokens anyone can mint with the published
// secret, and hands tokens to anyone who asks.
void warnDevMode() {
  constexpr std::string_view kRule =
      "dev_mode ==================================================================";
  spdlog::warn(kRule);
  spdlog::warn("dev_mode DEVELOPMENT MODE: NEVER USE THIS CONFIGURATION IN PRODUCTION");
  spdlog::warn("dev_mode built-in application key={} secret={}", signaling::kDevApplicationKey,
               signaling::kDevApplicationSecret);
  spdlog::warn(
      "dev_mode anyone who reaches this port gets tokens: GET /dev/token?user=<user>&room=<room>");
  spdlog::warn(kRule);
}

// The configured applications, and the development one in dev_mode.
signaling::ApplicationRegistry applicationsFor(const Config& config) {
  auto applications = loadApplications(config.auth.applicationsFile);
  if (config.devMode) {
    try {
      applications.add(std::string(signaling::kDevApplicationKey),
                       std::string(signaling::kDevApplicationSecret));
    } catch (const std::invalid_argument& error) {
      throw ConfigError("dev_mode: cannot add the application " +
                        std::string(signaling::kDevApplicationKey) + ": " + error.what());
    }
    warnDevMode();
  }
  return applications;
}

signaling::RoomPolicy roomPolicy(const Config::Rooms& config) {
  signaling::RoomPolicy policy;
  policy.maxParticipants = config.maxParticipants;
  policy.emptyRoomGrace = config.emptyRoomGrace;
  policy.resumeWindow = config.resumeWindow;
  policy.videoBitrate = {config.maxVideoBitrateKbps, config.minVideoBitrateKbps};
  policy.capabilities.videoCodecs.clear();
  for (const auto codec : config.videoCodecs) {
    policy.capabilities.videoCodecs.push_back(signaling::CodecPreference::of(codec));
  }
  return policy;
}

}  // namespace

Server::Server(const Config& config, unsigned workerCount)
    : config_(config),
      signals_(control_),
      certificate_(loadCertificate(config.dtls)),
      shards_(config, workerCount, certificate_),
      transports_(shards_, certificate_, config.rooms.membersPerWorker),
      rooms_(roomPolicy(config.rooms), transports_),
      cluster_(control_, config, *this),
      clusterState_(config.cluster.secret, [this] { return clusterState(); }),
      roomTimer_(control_),
      speakerTimer_(control_),
      drain_(config.drain.deadline),
      drainTimer_(control_),
      iceTcp_(control_,
              {boost::asio::ip::make_address(config.media.listenAddress), config.media.tcpPort},
              shards_, IceTcpListener::Limits{}),
      shardCollector_(shards_),
      iceTcpCollector_(iceTcp_, shards_),
      webSocketCollector_(webSocketCounters_),
      roomCollector_(rooms_),
      tokenVerifier_(applicationsFor(config)),
      api_(*this, config.http.webRoot, config.devMode,
           cluster_.enabled() ? &clusterState_ : nullptr),
      rest_(rooms_, tokenVerifier_.applications()),
      restCollector_(rest_),
      http_(control_, config, api_, rest_, tokenVerifier_, rooms_, drain_, webSocketCounters_) {
  shards_.setIceTcpPort(iceTcp_.localEndpoint().port());
  for (std::size_t index = 0; index < shards_.size(); ++index) {
    shards_.shard(index).setTransportEvents(this);
  }
  if (cluster_.enabled()) {
    rooms_.setLocator(&cluster_);
  }
  metrics_.addCollector(roomCollector_);
  metrics_.addCollector(processCollector_);
  metrics_.addCollector(shardCollector_);
  metrics_.addCollector(iceTcpCollector_);
  metrics_.addCollector(webSocketCollector_);
  metrics_.addCollector(restCollector_);
  spdlog::info("auth_applications count={}", tokenVerifier_.applications().size());
}

int Server::run() {
  signals_.asyncWait([this](int signal) { onSignal(signal); });
  shards_.start();
  iceTcp_.start();
  tickRooms();
  collectAudioLevels();
  const auto iceTcpEndpoint = iceTcp_.localEndpoint();
  spdlog::info("ice_tcp_listening address={} port={}", iceTcpEndpoint.address().to_string(),
               iceTcpEndpoint.port());
  http_.start();
  cluster_.start();
  const auto endpoint = http_.endpoint();
  spdlog::info("http_listening address={} port={} tls={}", endpoint.address().to_string(),
               endpoint.port(), http_.tls());
  ready_ = true;
  const std::string host = endpoint.address().is_v6() ? "[" + endpoint.address().to_string() + "]"
                                                      : endpoint.address().to_string();
  spdlog::info("chorusd_ready version={} workers={} demo={}://{}:{}/", buildInfo().version,
               shards_.size(), http_.tls() ? "https" : "http", host, endpoint.port());
  control_.run();
  shards_.stop();
  spdlog::info("chorusd_stopped");
  return 0;
}

void Server::onSignal(int signal) {
  const std::string_view name = signal == SIGTERM ? "SIGTERM" : "SIGINT";
  const auto stopSignal =
      signal == SIGTERM ? signaling::StopSignal::kTerminate : signaling::StopSignal::kInterrupt;
  if (drain_.onStopSignal(stopSignal) == signaling::StopAction::kDrain) {
    spdlog::info("chorusd_draining signal={} deadline_seconds={} participants={} rooms={}", name,
                 drain_.deadline().count(), rooms_.participantCount(), rooms_.occupiedRoomCount());
    startDrain();
    return;
  }
  if (drain_.draining()) {
    spdlog::info("chorusd_drain_interrupted signal={} participants_left={} rooms_left={}", name,
                 rooms_.participantCount(), rooms_.occupiedRoomCount());
  }
  spdlog::info("chorusd_stopping signal={}", name);
  stop();
}

void Server::startDrain() {
  ready_ = false;
  drain_.start(std::chrono::steady_clock::now(), std::chrono::system_clock::now(),
               [this](signaling::ParticipantConnection& connection) {
                 return rooms_.successorUrlOf(connection);
               });
  // A second signal cuts the drain short.
  signals_.asyncWait([this](int signal) { onSignal(signal); });
  checkDrain();
}

void Server::checkDrain() {
  const auto end = drain_.end(std::chrono::steady_clock::now(), rooms_.participantCount());
  if (end != signaling::DrainEnd::kNotYet) {
    spdlog::info("chorusd_drained reason={} participants_left={} rooms_left={}",
                 end == signaling::DrainEnd::kEmpty ? "empty" : "deadline",
                 rooms_.participantCount(), rooms_.occupiedRoomCount());
    stop();
    return;
  }
  // Often enough that an emptied server exits promptly; the check is a few comparisons.
  drainTimer_.expires_after(std::chrono::milliseconds(200));
  drainTimer_.async_wait([this](const boost::system::error_code& error) {
    if (!error) {
      checkDrain();
    }
  });
}

void Server::stop() {
  ready_ = false;
  drainTimer_.cancel();
  cluster_.stop();
  http_.stop();
  iceTcp_.stop();
  control_.stop();
}

void Server::tickRooms() {
  roomTimer_.expires_after(std::chrono::seconds(1));
  roomTimer_.async_wait([this](const boost::system::error_code& error) {
    if (!error) {
      rooms_.tick(std::chrono::steady_clock::now());
      tickRooms();
    }
  });
}

void Server::collectAudioLevels() {
  speakerTimer_.expires_after(std::chrono::milliseconds(500));
  speakerTimer_.async_wait([this](const boost::system::error_code& error) {
    if (error) {
      return;
    }
    for (std::size_t index = 0; index < shards_.size(); ++index) {
      Shard& shard = shards_.shard(index);
      boost::asio::post(shard.context(), [this, &shard] {
        boost::asio::post(control_, [this, levels = shard.router().takeAudioLevels(),
                                     firsts = shard.router().takeFirstForwards()] {
          rooms_.onAudioLevels(levels);
          for (const media::Router::FirstForward& first : firsts) {
            rooms_.onFirstMedia(first.subscriber, first.at);
          }
        });
      });
    }
    collectAudioLevels();
  });
}

void Server::onTransportConnected(TransportId id) {
  boost::asio::post(control_, [this, id] {
    rooms_.onTransportState(id, signaling::TransportState::kConnected,
                            std::chrono::steady_clock::now());
  });
}

void Server::onTransportFailed(TransportId id) {
  boost::asio::post(control_, [this, id] {
    rooms_.onTransportState(id, signaling::TransportState::kFailed,
                            std::chrono::steady_clock::now());
  });
}

signaling::HealthReport Server::liveness() const {
  const auto limit = config_.workers.stallTimeout;
  if (const auto stalled = shards_.stalledShard(std::chrono::steady_clock::now(), limit)) {
    return {false, "worker " + std::to_string(*stalled) + " has not turned its loop for over " +
                       std::to_string(limit.count()) + " s"};
  }
  return {true, "ok"};
}

signaling::HealthReport Server::readiness() const {
  if (drain_.draining()) {
    return {false, "draining: not accepting joins"};
  }
  if (!ready_) {
    return {false, "not accepting joins"};
  }
  if (!cluster_.synced()) {
    return {false, "cluster peers not probed yet"};
  }
  return liveness();
}

signaling::NodeState Server::clusterState() const {
  return {config_.cluster.advertiseUrl, readiness().healthy, rooms_.roomIds()};
}

std::string Server::metricsText() const {
  return metrics_.scrape();
}

}  // namespace chorus::server
