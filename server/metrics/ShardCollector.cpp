#include "server/metrics/ShardCollector.h"

#include <chrono>
#include <string>

#include "server/metrics/MetricFamilies.h"

namespace chorus::server {

std::vector<prometheus::MetricFamily> ShardCollector::transportMetrics() const {
  auto open = gaugeFamily("chorus_transports",
                          "Open WebRTC transports, by state: connecting (ICE and DTLS under way) "
                          "or connected (DTLS-SRTP completed)");
  auto connected =
      counterFamily("chorus_transports_connected_total", "Transports whose DTLS-SRTP completed");
  auto closed = counterFamily("chorus_transports_closed_total",
                              "Transports ended by the peer or the network, by reason");
  auto dtlsFailures =
      counterFamily("chorus_dtls_failures_total", "DTLS handshakes that failed, by reason");
  std::uint64_t openCount = 0;
  std::uint64_t openConnectedCount = 0;
  std::uint64_t connectedCount = 0;
  std::array<std::uint64_t, media::kTransportCloseReasonCount> closedCounts{};
  std::array<std::uint64_t, media::kDtlsFailureCount> failureCounts{};
  for (std::size_t index = 0; index < shards_.size(); ++index) {
    const TransportStats& stats = shards_.shard(index).transportStats();
    openCount += stats.open();
    openConnectedCount += stats.openConnected();
    connectedCount += stats.connected.value();
    for (std::size_t i = 0; i < closedCounts.size(); ++i) {
      closedCounts[i] += stats.closed[i].value();
    }
    for (std::size_t i = 0; i < failureCounts.size(); ++i) {
      failureCounts[i] += stats.dtlsFailures[i].value();
    }
  }
  addSample(open, static_cast<double>(openCount - openConnectedCount), {{"state", "connecting"}});
  addSample(open, static_cast<double>(openConnectedCount), {{"state", "connected"}});
  addSample(connected, static_cast<double>(connectedCount));
  for (std::size_t i = 0; i < closedCounts.size(); ++i) {
    addSample(
        closed, static_cast<double>(closedCounts[i]),
        {{"reason", std::string(media::toString(static_cast<media::TransportCloseReason>(i)))}});
  }
  for (std::size_t i = 0; i < failureCounts.size(); ++i) {
    addSample(dtlsFailures, static_cast<double>(failureCounts[i]),
              {{"reason", std::string(media::toString(static_cast<media::DtlsFailure>(i)))}});
  }
  return {open, connected, closed, dtlsFailures};
}

std::vector<prometheus::MetricFamily> ShardCollector::routerMetrics() const {
  auto forwarded =
      counterFamily("chorus_router_forwarded_packets_total", "RTP packets sent to subscribers");
  auto lent = counterFamily("chorus_router_lent_packets_total",
                            "RTP packets handed to another worker, once per worker");
  auto drops = counterFamily("chorus_router_dropped_packets_total",
                             "RTP packets the router did not forward, by reason");
  auto keyframes = counterFamily("chorus_router_keyframe_requests_total",
                                 "PLIs sent to publishers for their subscribers");
  auto keyframesIn = counterFamily("chorus_router_keyframes_received_total",
                                   "Keyframes publishers sent, counted at their first packet");
  auto rtcp = counterFamily("chorus_router_rtcp_sent_total",
                            "RTCP reports the router sent as an endpoint, by type");
  auto retransmission = counterFamily(
      "chorus_router_retransmission_total",
      "NACK and RTX (RFC 4585, RFC 4588), by event: resent to subscribers, NACKs that missed "
      "the buffer, publisher RTX recovered, NACKs sent to publishers, publisher losses given up, "
      "video packets not kept because the worker's buffers reached their budget");
  std::array<std::uint64_t, 6> retransmissions{};
  std::array<std::uint64_t, 8> dropped{};
  std::array<std::uint64_t, 4> rtcpSent{};
  std::uint64_t forwardedCount = 0;
  std::uint64_t lentCount = 0;
  std::uint64_t keyframeCount = 0;
  std::uint64_t keyframesInCount = 0;
  for (std::size_t index = 0; index < shards_.size(); ++index) {
    const Shard& shard = shards_.shard(index);
    const media::RouterCounters& counters = shard.routerCounters();
    forwardedCount += counters.forwarded.value();
    lentCount += counters.lent.value();
    keyframeCount += counters.keyframeRequests.value();
    keyframesInCount += counters.keyframesReceived.value();
    rtcpSent[0] += counters.transportFeedbackSent.value();
    rtcpSent[1] += counters.receiverReportsSent.value();
    rtcpSent[2] += counters.senderReportsSent.value();
    rtcpSent[3] += counters.rembsSent.value();
    const std::array<const media::RelaxedCounter*, 8> reasons{
        &counters.unknownStream,    &counters.malformed,    &counters.rtxDropped,
        &counters.duplicate,        &counters.ringFull,     &counters.poolExhausted,
        &counters.awaitingKeyframe, &counters.rtcpMalformed};
    for (std::size_t i = 0; i < reasons.size(); ++i) {
      dropped[i] += reasons[i]->value();
    }
    const std::array<const media::RelaxedCounter*, 6> events{
        &counters.retransmitted, &counters.nackMissed,  &counters.rtxRecovered,
        &counters.nacksSent,     &counters.nackGivenUp, &counters.notKept};
    for (std::size_t i = 0; i < events.size(); ++i) {
      retransmissions[i] += events[i]->value();
    }
  }
  addSample(forwarded, static_cast<double>(forwardedCount));
  addSample(lent, static_cast<double>(lentCount));
  addSample(keyframes, static_cast<double>(keyframeCount));
  addSample(keyframesIn, static_cast<double>(keyframesInCount));
  constexpr std::array<std::string_view, 8> kReasons{
      "unknown_stream", "malformed",         "rtx",           "duplicate", "ring_full",
      "pool_exhausted", "awaiting_keyframe", "rtcp_malformed"};
  for (std::size_t i = 0; i < kReasons.size(); ++i) {
    addSample(drops, static_cast<double>(dropped[i]), {{"reason", std::string(kReasons[i])}});
  }
  constexpr std::array<std::string_view, 4> kRtcpTypes{"transport_cc", "receiver_report",
                                                       "sender_report", "remb"};
  for (std::size_t i = 0; i < kRtcpTypes.size(); ++i) {
    addSample(rtcp, static_cast<double>(rtcpSent[i]), {{"type", std::string(kRtcpTypes[i])}});
  }
  constexpr std::array<std::string_view, 6> kEvents{"resent",    "nack_missed",   "rtx_recovered",
                                                    "nack_sent", "loss_given_up", "not_kept"};
  for (std::size_t i = 0; i < kEvents.size(); ++i) {
    addSample(retransmission, static_cast<double>(retransmissions[i]),
              {{"event", std::string(kEvents[i])}});
  }
  auto estimateSum = gaugeFamily(
      "chorus_subscriber_estimated_bitrate_bps_sum",
      "Sum of the bandwidth estimates of subscriber transports (from their transport-cc "
      "feedback); divide by chorus_subscriber_estimates for the mean");
  auto estimates =
      gaugeFamily("chorus_subscriber_estimates", "Subscriber transports with a bandwidth estimate");
  double sum = 0;
  double count = 0;
  for (std::size_t index = 0; index < shards_.size(); ++index) {
    const media::RouterCounters& counters = shards_.shard(index).routerCounters();
    sum += static_cast<double>(counters.subscriberEstimateSumBps.load(std::memory_order_relaxed));
    count += static_cast<double>(counters.subscriberEstimates.load(std::memory_order_relaxed));
  }
  addSample(estimateSum, sum);
  addSample(estimates, count);
  return {forwarded, lent,           drops,       keyframes, keyframesIn,
          rtcp,      retransmission, estimateSum, estimates};
}

std::vector<prometheus::MetricFamily> ShardCollector::mediaMetrics() const {
  std::array<std::array<std::uint64_t, media::kRtpKindCount>, 4> byKind{};  // as `kFamilies`
  std::array<std::uint64_t, media::kRtcpTypeCount> rtcpReceived{};
  HistogramSum rtt(media::kRttBoundsSeconds);
  HistogramSum subscriberJitter(media::kJitterBoundsSeconds);
  HistogramSum publisherJitter(media::kJitterBoundsSeconds);
  HistogramSum subscriberLost(media::kFractionLostBounds);
  HistogramSum publisherLost(media::kFractionLostBounds);
  for (std::size_t index = 0; index < shards_.size(); ++index) {
    const media::RouterCounters& counters = shards_.shard(index).routerCounters();
    for (std::size_t kind = 0; kind < media::kRtpKindCount; ++kind) {
      byKind[0][kind] += counters.receivedPackets[kind].value();
      byKind[1][kind] += counters.receivedBytes[kind].value();
      byKind[2][kind] += counters.forwardedPackets[kind].value();
      byKind[3][kind] += counters.forwardedBytes[kind].value();
    }
    for (std::size_t type = 0; type < media::kRtcpTypeCount; ++type) {
      rtcpReceived[type] += counters.rtcpReceived[type].value();
    }
    rtt.add(counters.subscriberRtt);
    subscriberJitter.add(counters.subscriberJitter);
    publisherJitter.add(counters.publisherJitter);
    subscriberLost.add(counters.subscriberFractionLost);
    publisherLost.add(counters.publisherFractionLost);
  }
  constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kFamilies{{
      {"chorus_rtp_received_packets_total",
       "Publishers' RTP packets of known streams, by kind (rtx: their RTX streams)"},
      {"chorus_rtp_received_bytes_total", "Bytes of those packets (RTP header and payload)"},
      {"chorus_rtp_forwarded_packets_total",
       "RTP packets sent to subscribers, by kind (rtx: retransmissions for their NACKs)"},
      {"chorus_rtp_forwarded_bytes_total", "Bytes of those packets (RTP header and payload)"},
  }};
  std::vector<prometheus::MetricFamily> families;
  for (std::size_t family = 0; family < kFamilies.size(); ++family) {
    auto counted =
        counterFamily(std::string(kFamilies[family].first), std::string(kFamilies[family].second));
    for (std::size_t kind = 0; kind < media::kRtpKindCount; ++kind) {
      addSample(counted, static_cast<double>(byKind[family][kind]),
                {{"kind", std::string(media::toString(static_cast<media::RtpKind>(kind)))}});
    }
    families.push_back(std::move(counted));
  }
  auto rtcp = counterFamily("chorus_rtcp_received_total",
                            "RTCP packets received (each packet of a compound), by type");
  for (std::size_t type = 0; type < media::kRtcpTypeCount; ++type) {
    addSample(rtcp, static_cast<double>(rtcpReceived[type]),
              {{"type", std::string(media::toString(static_cast<media::RtcpType>(type)))}});
  }
  families.push_back(std::move(rtcp));
  auto rttFamily = histogramFamily(
      "chorus_rtt_seconds", "Round-trip time of subscriber legs, from their receiver reports");
  addHistogram(rttFamily, rtt);
  families.push_back(std::move(rttFamily));
  auto jitter = histogramFamily(
      "chorus_jitter_seconds",
      "RTP interarrival jitter, one sample per stream per report: measured by the server on "
      "publishers' streams (leg=publisher), reported by subscribers (leg=subscriber)");
  addHistogram(jitter, publisherJitter, {{"leg", "publisher"}});
  addHistogram(jitter, subscriberJitter, {{"leg", "subscriber"}});
  families.push_back(std::move(jitter));
  auto lost = histogramFamily(
      "chorus_fraction_lost",
      "Fraction of packets lost since the previous report (0 to 1), one sample per stream per "
      "report, by leg as chorus_jitter_seconds");
  addHistogram(lost, publisherLost, {{"leg", "publisher"}});
  addHistogram(lost, subscriberLost, {{"leg", "subscriber"}});
  families.push_back(std::move(lost));
  return families;
}

std::vector<prometheus::MetricFamily> ShardCollector::workerMetrics() const {
  auto lag = histogramFamily("chorus_worker_loop_lag_seconds",
                             "How late the worker's 20 ms tick timer fired (event-loop lag)");
  auto batches =
      histogramFamily("chorus_worker_batch_datagrams", "Datagrams per recvmmsg batch, by worker");
  auto ringPeak = gaugeFamily("chorus_worker_ring_peak_items",
                              "Most packets waiting in the worker's inbound rings from other "
                              "workers at one drain, over the last second");
  auto poolSlots = gaugeFamily("chorus_worker_pool_slots", "Packet buffers in the worker's pool");
  auto poolInUse = gaugeFamily("chorus_worker_pool_slots_in_use",
                               "Packet buffers of the worker's pool in use, at its last tick");
  for (std::size_t index = 0; index < shards_.size(); ++index) {
    const Shard& shard = shards_.shard(index);
    const std::string worker = std::to_string(index);
    HistogramSum loopLag(kLoopLagBoundsSeconds);
    loopLag.add(shard.workerStats().loopLag);
    addHistogram(lag, loopLag, {{"worker", worker}});
    HistogramSum batch(media::kBatchBounds);
    batch.add(shard.counters().receiveBatches);
    addHistogram(batches, batch, {{"worker", worker}});
    addSample(ringPeak,
              static_cast<double>(shard.routerCounters().ringPeak.load(std::memory_order_relaxed)),
              {{"worker", worker}});
    addSample(poolSlots, static_cast<double>(shard.pool().capacity()), {{"worker", worker}});
    addSample(poolInUse,
              static_cast<double>(shard.workerStats().poolInUse.load(std::memory_order_relaxed)),
              {{"worker", worker}});
  }
  return {lag, batches, ringPeak, poolSlots, poolInUse};
}

std::vector<prometheus::MetricFamily> ShardCollector::Collect() const {
  std::array<std::uint64_t, media::kPacketKindCount> received{};
  std::array<std::uint64_t, media::kDropReasonCount> dropped{};
  std::uint64_t bytes = 0;
  std::array<std::uint64_t, media::kPacketKindCount> sent{};
  std::uint64_t sentBytes = 0;
  std::uint64_t rtp = 0;
  std::uint64_t rtcp = 0;
  auto heartbeatAge = gaugeFamily("chorus_worker_heartbeat_age_seconds",
                                  "Time since the worker's event loop last ran its heartbeat");
  const auto now = std::chrono::steady_clock::now();
  for (std::size_t index = 0; index < shards_.size(); ++index) {
    const Shard& shard = shards_.shard(index);
    const media::PacketCounters& counters = shard.counters();
    for (std::size_t kind = 0; kind < media::kPacketKindCount; ++kind) {
      received[kind] += counters.datagramsReceived[kind].value();
    }
    for (std::size_t reason = 0; reason < media::kDropReasonCount; ++reason) {
      dropped[reason] += counters.datagramsDropped[reason].value();
    }
    bytes += counters.bytesReceived.value();
    for (std::size_t kind = 0; kind < media::kPacketKindCount; ++kind) {
      sent[kind] += counters.datagramsSentByKind[kind].value();
    }
    sentBytes += counters.bytesSent.value();
    rtp += counters.rtpReceived.value();
    rtcp += counters.rtcpReceived.value();
    const std::chrono::duration<double> age = now - shard.lastHeartbeat();
    addSample(heartbeatAge, age.count(), {{"worker", std::to_string(index)}});
  }

  auto workers = gaugeFamily("chorus_workers", "Worker threads (media shards)");
  addSample(workers, static_cast<double>(shards_.size()));
  auto datagrams = counterFamily("chorus_udp_datagrams_received_total",
                                 "Datagrams received on the media ports, by RFC 7983 kind");
  for (std::size_t kind = 0; kind < media::kPacketKindCount; ++kind) {
    addSample(datagrams, static_cast<double>(received[kind]),
              {{"kind", std::string(media::toString(static_cast<media::PacketKind>(kind)))}});
  }
  auto receivedBytes =
      counterFamily("chorus_udp_received_bytes_total", "Bytes received on the media ports");
  addSample(receivedBytes, static_cast<double>(bytes));
  auto sentDatagrams = counterFamily("chorus_udp_datagrams_sent_total",
                                     "Datagrams sent from the media ports, by RFC 7983 kind");
  for (std::size_t kind = 0; kind < media::kPacketKindCount; ++kind) {
    addSample(sentDatagrams, static_cast<double>(sent[kind]),
              {{"kind", std::string(media::toString(static_cast<media::PacketKind>(kind)))}});
  }
  auto sentBytesFamily =
      counterFamily("chorus_udp_sent_bytes_total", "Bytes sent from the media ports");
  addSample(sentBytesFamily, static_cast<double>(sentBytes));
  auto drops = counterFamily("chorus_udp_datagrams_dropped_total",
                             "Datagrams dropped on the media ports, by reason");
  for (std::size_t reason = 0; reason < media::kDropReasonCount; ++reason) {
    addSample(drops, static_cast<double>(dropped[reason]),
              {{"reason", std::string(toString(static_cast<media::DropReason>(reason)))}});
  }
  auto media = counterFamily("chorus_media_packets_received_total",
                             "RTP and RTCP packets that passed SRTP authentication and decryption");
  addSample(media, static_cast<double>(rtp), {{"kind", "rtp"}});
  addSample(media, static_cast<double>(rtcp), {{"kind", "rtcp"}});
  std::vector<prometheus::MetricFamily> families{workers,       datagrams,       receivedBytes,
                                                 sentDatagrams, sentBytesFamily, drops,
                                                 media,         heartbeatAge};
  for (auto&& more : {transportMetrics(), routerMetrics(), mediaMetrics(), workerMetrics()}) {
    families.insert(families.end(), more.begin(), more.end());
  }
  return families;
}

}  // namespace chorus::server
