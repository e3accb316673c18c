#include "server/metrics/RoomCollector.h"

#include <string>

#include "server/metrics/MetricFamilies.h"

namespace chorus::server {

std::vector<prometheus::MetricFamily> RoomCollector::Collect() const {
  const signaling::RoomCounters& counters = rooms_.counters();
  auto rooms = gaugeFamily("chorus_rooms", "open rooms");
  addSample(rooms, static_cast<double>(rooms_.roomCount()));
  auto participants = gaugeFamily("chorus_participants", "participants in rooms");
  addSample(participants, static_cast<double>(rooms_.participantCount()));
  auto tracks = gaugeFamily("chorus_tracks", "tracks published in rooms, by kind");
  for (const char* kind : {"audio", "video"}) {
    addSample(tracks, static_cast<double>(rooms_.trackCount(kind)), {{"kind", kind}});
  }
  auto joins = counterFamily("chorus_joins_total", "successful joins");
  addSample(joins, static_cast<double>(counters.joins));
  auto refused = counterFamily("chorus_joins_refused_total", "joins refused, by error code");
  for (std::size_t reason = 0; reason < counters.joinsRefused.size(); ++reason) {
    addSample(refused, static_cast<double>(counters.joinsRefused[reason]),
              {{"reason", std::string(toString(static_cast<signaling::SignalingError>(reason)))}});
  }
  auto latency = histogramFamily(
      "chorus_join_to_first_media_seconds",
      "From a participant's join request to the first media packet forwarded to it");
  HistogramSum latencies(signaling::kJoinLatencyBoundsSeconds);
  latencies.add(counters.joinToFirstMedia);
  addHistogram(latency, latencies);
  auto resumes = counterFamily("chorus_resumes_total", "participants resumed on a new connection");
  addSample(resumes, static_cast<double>(counters.resumes));
  auto leaves = counterFamily("chorus_leaves_total", "participants that left, by reason");
  for (std::size_t reason = 0; reason < counters.leaves.size(); ++reason) {
    addSample(leaves, static_cast<double>(counters.leaves[reason]),
              {{"reason", std::string(toString(static_cast<signaling::LeaveReason>(reason)))}});
  }
  auto closed = counterFamily("chorus_rooms_closed_total", "rooms closed");
  addSample(closed, static_cast<double>(counters.roomsClosed));
  return {rooms, participants, tracks, joins, refused, resumes, leaves, closed, latency};
}

}  // namespace chorus::server
