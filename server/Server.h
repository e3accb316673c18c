#pragma once

#include <atomic>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "media/security/DtlsCertificate.h"
#include "server/StopSignals.h"
#include "server/cluster/ClusterDirectory.h"
#include "server/config/Config.h"
#include "server/http/HttpServer.h"
#include "server/metrics/IceTcpCollector.h"
#include "server/metrics/MetricsExposition.h"
#include "server/metrics/ProcessCollector.h"
#include "server/metrics/RestCollector.h"
#include "server/metrics/RoomCollector.h"
#include "server/metrics/ShardCollector.h"
#include "server/metrics/WebSocketCollector.h"
#include "server/net/IceTcpListener.h"
#include "server/shard/ShardPool.h"
#include "server/shard/ShardTransports.h"
#include "server/shard/TransportEvents.h"
#include "signaling/ProcessStatus.h"
#include "signaling/auth/TokenVerifier.h"
#include "signaling/cluster/ClusterStateEndpoint.h"
#include "signaling/http/HttpApi.h"
#include "signaling/http/RestApi.h"
#include "signaling/room/RoomRegistry.h"
#include "signaling/ws/ServerDrain.h"

namespace chorus::server {

// The chorusd process: worker shards, the control thread (the one that calls run()) with HTTP,
// the ICE-TCP port and signals, and metrics. Constructing it binds every port, so a bad address or
// a port in use fails before anything starts.
class Server : public signaling::ProcessStatus, private TransportEvents {
 public:
  Server(const Config& config, unsigned workerCount);

  // Serves until SIGINT, or until SIGTERM's drain ends (docs/architecture.md, "Stopping and
  // draining"), then stops everything in order. Returns the exit status.
  int run();

  signaling::HealthReport liveness() const override;
  signaling::HealthReport readiness() const override;
  std::string metricsText() const override;

 private:
  // This node as GET /cluster/state describes it to its peers.
  signaling::NodeState clusterState() const;
  void onSignal(int signal);
  // SIGTERM: refuse joins, tell the clients, and check until the rooms are empty or the deadline.
  void startDrain();
  void checkDrain();
  void stop();
  // Resume windows and empty rooms' grace periods, checked every second.
  void tickRooms();
  // Asks every worker for its audio levels twice a second, for the rooms' active speakers, and
  // for the first packets it forwarded to subscribers, for the join-to-first-media latency.
  void collectAudioLevels();
  // TransportEvents, from the shards' threads: handed to the rooms on the control thread.
  void onTransportConnected(TransportId id) override;
  void onTransportFailed(TransportId id) override;

  Config config_;
  boost::asio::io_context control_{1};
  StopSignals signals_;  // before anything that starts a thread (it blocks the signals)
  media::DtlsCertificate certificate_;
  ShardPool shards_;
  ShardTransports transports_;
  signaling::RoomRegistry rooms_;
  ClusterDirectory cluster_;
  signaling::ClusterStateEndpoint clusterState_;  // served with cluster.advertise_url only
  boost::asio::steady_timer roomTimer_;
  boost::asio::steady_timer speakerTimer_;
  signaling::ServerDrain drain_;
  boost::asio::steady_timer drainTimer_;
  IceTcpListener iceTcp_;
  MetricsExposition metrics_;
  ProcessCollector processCollector_;
  ShardCollector shardCollector_;
  IceTcpCollector iceTcpCollector_;
  WebSocketCounters webSocketCounters_;
  WebSocketCollector webSocketCollector_;
  RoomCollector roomCollector_;
  signaling::TokenVerifier tokenVerifier_;
  signaling::HttpApi api_;
  signaling::RestApi rest_;
  RestCollector restCollector_;
  HttpServer http_;
  std::atomic<bool> ready_{false};
};

}  // namespace chorus::server
