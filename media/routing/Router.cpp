#include "media/routing/Router.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include "media/routing/RtxPacket.h"
#include "media/wire/ByteOrder.h"
#include "media/wire/RtcpCompoundView.h"
#include "media/wire/RtcpFir.h"
#include "media/wire/RtcpPli.h"
#include "media/wire/RtcpReceiverReport.h"
#include "media/wire/RtcpRemb.h"
#include "media/wire/RtcpSenderReport.h"
#include "media/wire/RtcpTransportFeedback.h"

namespace chorus::media {

namespace {

// The SSRC the server's own feedback carries as its sender (RFC 4585 §6.1: a receiver that
// sends no media still names itself; browsers do not check it).
constexpr std::uint32_t kServerSsrc = 0x43484F52;  // "CHOR"
// RFC 3550 §6.4.1: the fraction lost is a fixed-point number with the binary point at its left.
constexpr double kFractionScale = 256;

}  // namespace

Router::Router(std::size_t shard, PacketPool& pool, RouterSink& sink)
    : shard_(shard), pool_(pool), sink_(sink), keptBudget_(pool.capacity() / 2), links_(shard + 1) {
  firstForwards_.reserve(kMaxFirstForwards);
}

void Router::connect(std::size_t peer, ShardLink& outbound, ShardLink& inbound) {
  links_.resize(std::max(links_.size(), peer + 1));
  links_[peer] = {&outbound, &inbound};
}

void Router::addPublishedStream(const PublishedStreamSpec& spec) {
  if (recap(spec)) {
    return;
  }
  removePublishedStream(spec.key);
  Stream& stream = streams_[spec.key];
  stream.spec = spec;
  stream.received = ReceiveStatistics(spec.ssrc, spec.clockRate);
  addPublisherLeg(spec);
  stream.subscribersOn.assign(links_.size(), 0);
  if (const auto remote = remoteSubscribers_.find(spec.key); remote != remoteSubscribers_.end()) {
    stream.subscribersOn = remote->second;
  }
  bySsrc_[{spec.publisher, spec.ssrc}] = spec.key;
  if (spec.rtxSsrc != 0) {
    byRtxSsrc_[{spec.publisher, spec.rtxSsrc}] = spec.key;
  }
  if (spec.maxBitrateBps != 0) {
    sendBitrateCap(spec.publisher);
  }
}

void Router::removePublishedStream(StreamKey stream) {
  const auto found = streams_.find(stream);
  if (found == streams_.end()) {
    return;
  }
  releaseBuffer(found->second);
  const PublishedStreamSpec& spec = found->second.spec;
  bySsrc_.erase({spec.publisher, spec.ssrc});
  byRtxSsrc_.erase({spec.publisher, spec.rtxSsrc});
  removePublisherLeg(spec.publisher);
  streams_.erase(found);
}

void Router::addRemoteSubscriber(StreamKey stream, std::size_t peer) {
  auto& counts = remoteSubscribers_[stream];
  counts.resize(links_.size(), 0);
  ++counts[peer];
  if (const auto found = streams_.find(stream); found != streams_.end()) {
    found->second.subscribersOn = counts;
  }
}

void Router::removeRemoteSubscriber(StreamKey stream, std::size_t peer) {
  const auto counts = remoteSubscribers_.find(stream);
  if (counts == remoteSubscribers_.end() || counts->second[peer] == 0) {
    return;
  }
  --counts->second[peer];
  if (const auto found = streams_.find(stream); found != streams_.end()) {
    found->second.subscribersOn = counts->second;
  }
  if (std::all_of(counts->second.begin(), counts->second.end(),
                  [](std::uint16_t count) { return count == 0; })) {
    remoteSubscribers_.erase(counts);
  }
}

void Router::addSubscription(const SubscriptionSpec& spec, std::uint16_t firstSequence,
                             std::uint32_t firstTimestamp, TimePoint now) {
  removeSubscription(spec.stream, spec.subscriber);
  // RFC 3550 §5.1: the RTX stream's numbering starts elsewhere than the media stream's, from
  // the same random start.
  constexpr std::uint16_t kRtxSequenceStride = 0x5A5A;
  Subscription& subscription = subscriptions_[spec.stream].emplace_back(Subscription{
      spec, RtpStreamRewriter(spec.ssrc, firstSequence, firstTimestamp, spec.clockRate),
      extensionIdMap(spec.publisherExtensions, spec.subscriberExtensions), SendStatistics{},
      static_cast<std::uint16_t>(firstSequence ^ kRtxSequenceStride), addSubscriberLeg(spec),
      std::nullopt, 0, false, now});
  bySubscriberSsrc_[{spec.subscriber, spec.ssrc}] = {spec.stream, spec.publisherShard};
  if (spec.video) {
    awaitKeyframe(subscription, now);
  }
}

void Router::removeSubscription(StreamKey stream, TransportKey subscriber) {
  const auto found = subscriptions_.find(stream);
  if (found == subscriptions_.end()) {
    return;
  }
  auto& list = found->second;
  for (auto it = list.begin(); it != list.end();) {
    if (it->spec.subscriber == subscriber) {
      bySubscriberSsrc_.erase({subscriber, it->spec.ssrc});
      if (it->leg != nullptr) {
        removeSubscriberLeg(subscriber);
      }
      it = list.erase(it);
    } else {
      ++it;
    }
  }
  if (list.empty()) {
    subscriptions_.erase(found);
  }
}

// What was sent before the subscriber's DTLS came up never reached it: its video starts again,
// at a keyframe.
void Router::onSubscriberConnected(TransportKey subscriber, TimePoint now) {
  for (auto& [stream, list] : subscriptions_) {
    for (Subscription& subscription : list) {
      if (subscription.spec.subscriber == subscriber && subscription.spec.video) {
        awaitKeyframe(subscription, now);
      }
    }
  }
}

void Router::awaitKeyframe(Subscription& subscription, TimePoint now) {
  subscription.awaitingKeyframe = subscription.spec.format != VideoFormat::kUnknown;
  if (subscription.awaitingKeyframe) {
    subscription.rewriter.restartAtNextPacket();
  }
  subscription.keyframeRequestedAt = now;
  requestKeyframe(subscription.spec.stream, subscription.spec.publisherShard, now);
}

void Router::retryKeyframeRequests(TimePoint now) {
  for (auto& [stream, list] : subscriptions_) {
    for (Subscription& subscription : list) {
      if (subscription.awaitingKeyframe &&
          now - subscription.keyframeRequestedAt >= kKeyframeRetryInterval) {
        subscription.keyframeRequestedAt = now;
        requestKeyframe(stream, subscription.spec.publisherShard, now);
      }
    }
  }
}

void Router::onRtp(TransportKey from, PacketRef& packet, TimePoint now) {
  auto view = RtpPacketView::parse(packet->data());
  if (!view) {
    counters_.malformed.add();
    return;
  }
  recordTransportCc(from, *view, now);
  if (const auto found = bySsrc_.find({from, view->ssrc()}); found != bySsrc_.end()) {
    const bool video = streams_.find(found->second)->second.spec.video;
    counters_.countReceived(video ? RtpKind::kVideo : RtpKind::kAudio, view->bytes().size());
    route(found->second, packet, *view, NackGenerator::Arrival::kOriginal, now);
    return;
  }
  const auto rtx = byRtxSsrc_.find({from, view->ssrc()});
  if (rtx == byRtxSsrc_.end()) {
    counters_.unknownStream.add();
    return;
  }
  counters_.countReceived(RtpKind::kRtx, view->bytes().size());
  if (const auto original = recoverFromRtx(*packet, *view, streams_.find(rtx->second)->second)) {
    route(rtx->second, packet, *original, NackGenerator::Arrival::kRetransmission, now);
  }
}

void Router::route(StreamKey key, PacketRef& packet, const RtpPacketView& view,
                   NackGenerator::Arrival arrival, TimePoint now) {
  Stream& stream = streams_.find(key)->second;
  // The receiver reports describe the media SSRC's own packets (RFC 3550 §6.4.1); what came on
  // the RTX stream (RFC 4588 §4: a stream of its own, repairs and the copies senders send as
  // bandwidth probes) is left out, as browsers leave it out, so the publisher's cumulative loss
  // neither goes negative with the probes nor hides the path's loss behind the repairs.
  if (arrival == NackGenerator::Arrival::kOriginal) {
    stream.received.onPacket(view.sequenceNumber(), view.timestamp(), now);
  }
  if (stream.spec.video && startsKeyframe(stream.spec.format, view.payload())) {
    stream.throttle.keyframeReceived();
    counters_.keyframesReceived.add();
  }
  if (stream.spec.extensions.audioLevel != 0) {
    measureSpeech(stream, view);
  }
  fanOut(key, view, now);
  const bool kept = stream.spec.video &&
                    keepForRetransmission(*packet, stream, view.sequenceNumber(), arrival, now);
  lend(packet, stream, now, kept ? 1 : 0);
}

void Router::measureSpeech(Stream& stream, const RtpPacketView& view) {
  if (const auto element = view.findExtension(stream.spec.extensions.audioLevel)) {
    if (const auto level = parseAudioLevel(element->value)) {
      stream.speech.add(*level);
    }
  }
}

std::vector<std::pair<StreamKey, std::uint8_t>> Router::takeAudioLevels() {
  std::vector<std::pair<StreamKey, std::uint8_t>> levels;
  for (auto& [key, stream] : streams_) {
    if (!stream.spec.video && stream.spec.extensions.audioLevel != 0) {
      levels.emplace_back(key, stream.speech.takeLoudness());
    }
  }
  return levels;
}

void Router::fanOut(StreamKey stream, const RtpPacketView& view, TimePoint arrival) {
  const auto found = subscriptions_.find(stream);
  if (found == subscriptions_.end()) {
    return;
  }
  for (Subscription& subscription : found->second) {
    sendCopy(subscription, view, arrival);
  }
}

void Router::sendCopy(Subscription& subscription, const RtpPacketView& view, TimePoint arrival) {
  if (subscription.awaitingKeyframe) {
    if (!startsKeyframe(subscription.spec.format, view.payload())) {
      counters_.awaitingKeyframe.add();
      return;
    }
    subscription.awaitingKeyframe = false;
  }
  // NOTE: the slot first, then the rewrite: the rewriter marks every sequence number it maps as
  // sent, so a copy dropped for want of a slot after it would make the publisher's
  // retransmission of that packet (in the original stream when RTX is not negotiated) a
  // "duplicate", and the subscriber's gap permanent.
  PacketRef copy = sink_.allocatePacket();
  if (!copy) {
    counters_.poolExhausted.add();
    return;
  }
  const auto rewrite =
      subscription.rewriter.rewrite(view.ssrc(), view.sequenceNumber(), view.timestamp(), arrival);
  if (!rewrite) {
    counters_.duplicate.add();
    return;
  }
  const auto source = view.bytes();
  std::copy(source.begin(), source.end(), copy->bytes.begin());
  copy->length = source.size();
  // The same bytes parsed before: the copy parses too.
  auto out = RtpPacketView::parse(copy->data());
  out->setSsrc(subscription.spec.ssrc);
  out->setSequenceNumber(rewrite->sequenceNumber);
  out->setTimestamp(rewrite->timestamp);
  out->setPayloadType(subscription.spec.payloadType);
  out->remapExtensionIds(subscription.extensionIds);
  stampTransportSequence(subscription, *out, arrival);
  subscription.sent.onPacketSent(out->payload().size());
  counters_.countForwarded(subscription.spec.video ? RtpKind::kVideo : RtpKind::kAudio,
                           out->bytes().size());
  sink_.sendRtp(subscription.spec.subscriber, std::move(copy));
  counters_.forwarded.add();
  if (!subscription.forwardedAny) {
    subscription.forwardedAny = true;
    if (firstForwards_.size() < kMaxFirstForwards) {  // within the reserved capacity
      firstForwards_.push_back({subscription.spec.subscriber, arrival});
    }
  }
}

std::vector<Router::FirstForward> Router::takeFirstForwards() {
  std::vector<FirstForward> taken;
  taken.reserve(kMaxFirstForwards);
  std::swap(taken, firstForwards_);
  return taken;
}

// `holders`: 1 when the stream's retransmission buffer keeps the slot, else 0.
void Router::lend(PacketRef& packet, const Stream& stream, TimePoint now, std::uint32_t holders) {
  for (std::size_t peer = 0; peer < links_.size(); ++peer) {
    if (peer == shard_ || stream.subscribersOn[peer] == 0) {
      continue;
    }
    if (pushLent(peer, LentPacket{&*packet, stream.spec.key, now.time_since_epoch()})) {
      ++holders;
    }
  }
  if (holders > 0) {
    // The peers read the bytes; only this thread touches `holders`.
    packet.detach()->holders = holders;
  }
}

bool Router::pushLent(std::size_t peer, const LentPacket& packet) {
  ShardLink& link = *links_[peer].outbound;
  if (link.lent >= ShardLink::kCapacity || !link.packets.tryPush(LentPacket{packet})) {
    counters_.ringFull.add();
    return false;
  }
  ++link.lent;
  counters_.lent.add();
  // With the fence in drain(): either the peer, about to sleep, sees this packet, or this
  // sees the ring it emptied and wakes it (a store-load pair that acquire/release alone does
  // not order).
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (link.packets.sizeApprox() == 1) {
    sink_.wake(peer);
  }
  return true;
}

void Router::drain(TimePoint now) {
  for (const Link& link : links_) {
    if (link.inbound == nullptr) {
      continue;  // this shard, or a single-shard process
    }
    ShardLink& inbound = *link.inbound;
    ringPeak_ = std::max(ringPeak_, inbound.packets.sizeApprox());
    LentPacket borrowed;
    do {
      while (inbound.packets.tryPop(borrowed)) {
        if (const auto view = RtpPacketView::parse(borrowed.slot->data())) {
          if (borrowed.retransmitTo == 0) {
            fanOut(borrowed.stream, *view, TimePoint(borrowed.arrival));
          } else if (Subscription* subscription =
                         findSubscription(borrowed.stream, borrowed.retransmitTo)) {
            resend(*subscription, *view, now);
          }
        }
        // Never full: the owner lends at most the ring's capacity at once.
        inbound.returns.tryPush(std::exchange(borrowed.slot, nullptr));
      }
      std::atomic_thread_fence(std::memory_order_seq_cst);  // pairs with the one in lend()
    } while (inbound.packets.sizeApprox() > 0);
    ShardLink& outbound = *link.outbound;
    RelayedSenderReport report;
    while (inbound.senderReports.tryPop(report)) {
      storeRelayedSenderReport(report);
    }
    StreamKey requested = 0;
    while (outbound.keyframeRequests.tryPop(requested)) {
      requestKeyframe(requested, shard_, now);
    }
    PacketSlot* returned = nullptr;
    while (outbound.returns.tryPop(returned)) {
      --outbound.lent;
      takeBack(*returned);
    }
  }
  for (std::size_t peer = 0; peer < links_.size(); ++peer) {
    if (links_[peer].outbound != nullptr) {
      answerNackRequests(peer, *links_[peer].outbound, now);
    }
  }
}

void Router::tick(TimePoint now) {
  drain(now);
  retryKeyframeRequests(now);
  for (auto& [key, stream] : streams_) {
    if (stream.throttle.due(now)) {
      sendPli(stream);
    }
    if (stream.spec.video) {
      maintainRetransmissions(stream, now);
    }
  }
  sendReports(now);
  sendBitrateCaps(now);
  if (now >= nextEstimateSnapshot_) {
    nextEstimateSnapshot_ = now + std::chrono::seconds(1);
    const SubscriberBitrateSummary summary = subscriberBitrates();
    counters_.subscriberEstimateSumBps.store(summary.sum, std::memory_order_relaxed);
    counters_.subscriberEstimates.store(summary.count, std::memory_order_relaxed);
    counters_.ringPeak.store(std::exchange(ringPeak_, 0), std::memory_order_relaxed);
  }
}

void Router::takeBack(PacketSlot& slot) {
  if (--slot.holders == 0) {
    pool_.giveBack(slot);
  }
}

void Router::onRtcp(TransportKey from, const PacketRef& packet, TimePoint now) {
  const auto compound = RtcpCompoundView::parse(packet->data());
  if (!compound) {
    counters_.rtcpMalformed.add();
    return;
  }
  const auto count = [this](RtcpType type) {
    counters_.rtcpReceived[static_cast<std::size_t>(type)].add();
  };
  const auto request = [&](std::uint32_t mediaSsrc) {
    const auto found = bySubscriberSsrc_.find({from, mediaSsrc});
    if (found != bySubscriberSsrc_.end()) {
      requestKeyframe(found->second.stream, found->second.publisherShard, now);
    }
  };
  for (const RtcpHeader& header : *compound) {
    if (const auto pli = RtcpPli::parse(header)) {
      count(RtcpType::kPli);
      request(pli->mediaSsrc());
    } else if (const auto fir = RtcpFir::parse(header)) {
      count(RtcpType::kFir);
      for (std::size_t i = 0; i < fir->entryCount(); ++i) {
        request(fir->entry(i).ssrc);
      }
    } else if (const auto nack = RtcpNack::parse(header)) {
      count(RtcpType::kNack);
      onNack(from, *nack, now);
    } else if (const auto transportFeedback = RtcpTransportFeedback::parse(header)) {
      count(RtcpType::kTransportCc);
      onSubscriberFeedback(from, *transportFeedback, now);
    } else {
      onReport(from, header, now);
    }
  }
}

void Router::requestKeyframe(StreamKey stream, std::size_t publisherShard, TimePoint now) {
  if (publisherShard != shard_) {
    ShardLink& link = *links_[publisherShard].inbound;
    if (link.keyframeRequests.tryPush(StreamKey{stream})) {
      sink_.wake(publisherShard);
    } else {
      counters_.ringFull.add();
    }
    return;
  }
  const auto found = streams_.find(stream);
  if (found != streams_.end() && found->second.spec.video && found->second.throttle.request(now)) {
    sendPli(found->second);
  }
}

void Router::sendPli(Stream& stream) {
  PacketRef pli = sink_.allocatePacket();
  if (!pli) {
    counters_.poolExhausted.add();
    return;
  }
  pli->length = *RtcpPli::build(pli->bytes, kServerSsrc, stream.spec.ssrc);
  sink_.sendRtcp(stream.spec.publisher, std::move(pli));
  counters_.keyframeRequests.add();
}

// RTCP as an endpoint on every leg.

Router::PublisherLeg::PublisherLeg(std::uint8_t extensionId) noexcept
    : transportCc(kServerSsrc), transportCcId(extensionId) {}

void Router::addPublisherLeg(const PublishedStreamSpec& spec) {
  PublisherLeg& leg =
      publisherLegs_.try_emplace(spec.publisher, spec.extensions.transportCc).first->second;
  if (spec.extensions.transportCc != 0) {
    leg.transportCcId = spec.extensions.transportCc;
  }
  ++leg.streams;
}

void Router::removePublisherLeg(TransportKey publisher) {
  const auto found = publisherLegs_.find(publisher);
  if (found != publisherLegs_.end() && --found->second.streams == 0) {
    publisherLegs_.erase(found);
  }
}

void Router::recordTransportCc(TransportKey from, const RtpPacketView& view, TimePoint now) {
  // Every packet of the transport counts, RTX and padding-only probes included: the sender's
  // estimator takes one that goes unreported for lost.
  const auto leg = publisherLegs_.find(from);
  if (leg == publisherLegs_.end() || leg->second.transportCcId == 0) {
    return;
  }
  const auto extension = view.findExtension(leg->second.transportCcId);
  // Draft §2: the transport-wide sequence number is a 16-bit value.
  if (extension && extension->value.size() == 2) {
    leg->second.transportCc.onPacket(view.ssrc(), loadBe16(extension->value, 0), now);
  }
}

void Router::onReport(TransportKey from, const RtcpHeader& header, TimePoint now) {
  if (const auto sr = RtcpSenderReport::parse(header)) {
    counters_.rtcpReceived[static_cast<std::size_t>(RtcpType::kSr)].add();
    const RtcpSenderInfo info = sr->senderInfo();
    if (const auto stream = bySsrc_.find({from, info.ssrc}); stream != bySsrc_.end()) {
      Stream& published = streams_.find(stream->second)->second;
      published.received.onSenderReport(info.ntpTimestamp, info.rtpTimestamp, now);
      relaySenderReport(published, info, now);
    }
    for (std::size_t i = 0; i < sr->reportBlockCount(); ++i) {
      onSubscriberReportBlock(from, sr->reportBlock(i), now);
    }
  } else if (const auto rr = RtcpReceiverReport::parse(header)) {
    counters_.rtcpReceived[static_cast<std::size_t>(RtcpType::kRr)].add();
    for (std::size_t i = 0; i < rr->reportBlockCount(); ++i) {
      onSubscriberReportBlock(from, rr->reportBlock(i), now);
    }
  } else {
    counters_.rtcpReceived[static_cast<std::size_t>(RtcpType::kOther)].add();
  }
}

// A subscriber's report on what we sent it: the leg's round-trip time, and its jitter and
// loss for the histograms (RFC 3550 §6.4.1: jitter in RTP timestamp units, the fraction lost
// in 1/256ths).
void Router::onSubscriberReportBlock(TransportKey from, const RtcpReportBlock& block,
                                     TimePoint now) {
  const auto found = bySubscriberSsrc_.find({from, block.ssrc});
  if (found == bySubscriberSsrc_.end()) {
    return;
  }
  for (Subscription& subscription : subscriptions_.find(found->second.stream)->second) {
    if (subscription.spec.subscriber != from) {
      continue;
    }
    if (const auto rtt = subscription.sent.onReportBlock(block, now)) {
      counters_.subscriberRtt.observe(std::chrono::duration<double>(*rtt).count());
    }
    if (subscription.spec.clockRate != 0) {
      counters_.subscriberJitter.observe(static_cast<double>(block.jitter) /
                                         subscription.spec.clockRate);
    }
    counters_.subscriberFractionLost.observe(block.fractionLost / kFractionScale);
  }
}

// NOTE: the peer is not woken: its SRs go out on its tick, which drains the ring first, and the
// pair is carried forward from the arrival time, so a report read late maps the same.
void Router::relaySenderReport(const Stream& stream, const RtcpSenderInfo& info, TimePoint now) {
  for (std::size_t peer = 0; peer < links_.size(); ++peer) {
    if (peer == shard_ || stream.subscribersOn[peer] == 0) {
      continue;
    }
    if (!links_[peer].outbound->senderReports.tryPush(
            RelayedSenderReport{stream.spec.key, info.ssrc, info.ntpTimestamp, info.rtpTimestamp,
                                now.time_since_epoch()})) {
      counters_.ringFull.add();
    }
  }
}

void Router::storeRelayedSenderReport(const RelayedSenderReport& report) {
  const auto found = subscriptions_.find(report.stream);
  if (found == subscriptions_.end()) {
    return;
  }
  for (Subscription& subscription : found->second) {
    subscription.relayedReport =
        SenderReportMapping{report.ntpTimestamp, report.rtpTimestamp, TimePoint(report.arrival)};
    subscription.relayedSsrc = report.ssrc;
  }
}

void Router::sendReports(TimePoint now) {
  if (now >= nextTransportFeedback_) {
    nextTransportFeedback_ = now + kTransportFeedbackInterval;
    sendTransportFeedback();
  }
  if (now >= nextReports_) {
    nextReports_ = now + kReportInterval;
    sendReceiverReports(now);
    sendSenderReports(now);
  }
}

void Router::sendTransportFeedback() {
  // SRTCP appends an index and a tag (RFC 3711 §3.4): leave room for them.
  constexpr std::size_t kSrtcpRoom = 64;
  for (auto& [transport, leg] : publisherLegs_) {
    while (leg.transportCc.hasPending()) {
      PacketRef packet = sink_.allocatePacket();
      if (!packet) {
        counters_.poolExhausted.add();
        return;
      }
      const auto size =
          leg.transportCc.write(std::span(packet->bytes).first(PacketSlot::kCapacity - kSrtcpRoom));
      if (!size) {
        break;
      }
      packet->length = *size;
      sink_.sendRtcp(transport, std::move(packet));
      counters_.transportFeedbackSent.add();
    }
  }
}

void Router::sendReceiverReports(TimePoint now) {
  // RFC 3550 §6.4.2: at most 31 report blocks in one RR.
  constexpr std::size_t kMaxBlocks = 31;
  std::array<RtcpReportBlock, kMaxBlocks> blocks{};
  for (const auto& [transport, leg] : publisherLegs_) {
    std::size_t count = 0;
    for (auto& [key, stream] : streams_) {
      if (stream.spec.publisher != transport || count == kMaxBlocks) {
        continue;
      }
      if (const auto block = stream.received.report(now)) {
        blocks[count++] = *block;
        // What the server measured of the publisher's path, as it reports it (RFC 3550 §6.4.1).
        if (stream.spec.clockRate != 0) {
          counters_.publisherJitter.observe(static_cast<double>(block->jitter) /
                                            stream.spec.clockRate);
        }
        counters_.publisherFractionLost.observe(block->fractionLost / kFractionScale);
      }
    }
    if (count == 0) {
      continue;
    }
    PacketRef packet = sink_.allocatePacket();
    if (!packet) {
      counters_.poolExhausted.add();
      return;
    }
    packet->length =
        *RtcpReceiverReport::build(packet->bytes, kServerSsrc, std::span(blocks).first(count));
    sink_.sendRtcp(transport, std::move(packet));
    counters_.receiverReportsSent.add();
  }
}

void Router::sendSenderReports(TimePoint now) {
  for (auto& [key, list] : subscriptions_) {
    const auto found = streams_.find(key);
    const Stream* local = found == streams_.end() ? nullptr : &found->second;
    for (Subscription& subscription : list) {
      // The pair maps through the rewriter's offset only while it rewrites the SSRC the SR is
      // about (not just after the publisher changed it).
      const std::uint32_t source = local != nullptr ? local->spec.ssrc : subscription.relayedSsrc;
      if (subscription.rewriter.sourceSsrc() != source) {
        continue;
      }
      const auto info = subscription.sent.senderInfo(
          subscription.spec.ssrc,
          local != nullptr ? local->received.lastSenderReport() : subscription.relayedReport,
          subscription.rewriter.timestampOffset(), subscription.spec.clockRate, now);
      if (!info) {
        continue;
      }
      PacketRef packet = sink_.allocatePacket();
      if (!packet) {
        counters_.poolExhausted.add();
        return;
      }
      packet->length = *RtcpSenderReport::build(packet->bytes, *info, {});
      sink_.sendRtcp(subscription.spec.subscriber, std::move(packet));
      subscription.sent.onSenderReportSent(*info, now);
      counters_.senderReportsSent.add();
    }
  }
}

const SendStatistics* Router::sendStatistics(StreamKey stream,
                                             TransportKey subscriber) const noexcept {
  const auto found = subscriptions_.find(stream);
  if (found == subscriptions_.end()) {
    return nullptr;
  }
  for (const Subscription& subscription : found->second) {
    if (subscription.spec.subscriber == subscriber) {
      return &subscription.sent;
    }
  }
  return nullptr;
}

}  // namespace chorus::media

namespace chorus::media {

// ---- NACK and RTX (docs/architecture.md, "Retransmission") ----

std::optional<RtpPacketView> Router::recoverFromRtx(PacketSlot& packet, RtpPacketView rtx,
                                                    const Stream& stream) {
  const auto size = RtxPacket::unwrap(rtx, stream.spec.ssrc, stream.spec.payloadType);
  if (!size) {
    counters_.rtxDropped.add();
    return std::nullopt;
  }
  packet.length = *size;
  counters_.rtxRecovered.add();
  // The original's header and the payload that followed the OSN: it parses as the RTX did,
  // unless a padding count now exceeds what is left (a malformed RTX packet).
  auto original = RtpPacketView::parse(packet.data());
  if (!original) {
    counters_.malformed.add();
  }
  return original;
}

// NOTE: slot ownership. A kept slot's `holders` counts the buffer as one holder beside each
// shard it is lent to (lend() adds those); whoever lets go last (the buffer evicting or
// expiring it, a shard returning it) sends it to the pool through takeBack(), so it goes back
// exactly once however the two interleave.
bool Router::keepForRetransmission(PacketSlot& slot, Stream& stream, std::uint16_t sequenceNumber,
                                   NackGenerator::Arrival arrival, TimePoint now) {
  stream.losses.received(sequenceNumber, now, arrival);
  if (kept_ >= keptBudget_) {
    counters_.notKept.add();
    return false;
  }
  const RetransmissionBuffer::Stored stored = stream.buffer.store(slot, sequenceNumber, now);
  if (stored.evicted != nullptr) {
    letGo(*stored.evicted);
  }
  kept_ += stored.kept ? 1 : 0;
  return stored.kept;
}

// A retransmission buffer lets go of a slot it kept.
void Router::letGo(PacketSlot& slot) {
  --kept_;
  takeBack(slot);
}

void Router::releaseBuffer(Stream& stream) {
  while (PacketSlot* slot = stream.buffer.popAny()) {
    letGo(*slot);
  }
}

void Router::onNack(TransportKey from, const RtcpNack& nack, TimePoint now) {
  const auto found = bySubscriberSsrc_.find({from, nack.mediaSsrc()});
  if (found == bySubscriberSsrc_.end()) {
    return;
  }
  Subscription* subscription = findSubscription(found->second.stream, from);
  if (subscription == nullptr) {
    return;
  }
  constexpr unsigned kBlpBits = 16;
  for (std::size_t i = 0; i < nack.itemCount(); ++i) {
    // RFC 4585 §6.2.1: PID is lost, and PID + b + 1 for each bit b set in BLP.
    const RtcpNackItem item = nack.item(i);
    answerNack(*subscription, item.packetId, now);
    for (unsigned bit = 0; bit < kBlpBits; ++bit) {
      if (((item.lostBitmask >> bit) & 1U) != 0) {
        answerNack(*subscription, static_cast<std::uint16_t>(item.packetId + bit + 1), now);
      }
    }
  }
}

// NOTE: the packet is looked up where it is kept, in the one buffer on the publisher's shard:
// a subscriber on another shard sends a NackRequest through the link's ring (like a keyframe
// request) and gets the slot lent back for itself alone. This keeps one second of video once
// per stream rather than once per subscriber or per shard, at the cost of two ring hops (a few
// microseconds when the shards are awake, a 20 ms tick at worst) against a round trip of tens
// of milliseconds.
void Router::answerNack(Subscription& subscription, std::uint16_t outSequence, TimePoint now) {
  const auto source = subscription.rewriter.sourceSequence(outSequence);
  if (!source) {
    counters_.nackMissed.add();
    return;
  }
  const std::size_t publisherShard = subscription.spec.publisherShard;
  if (publisherShard != shard_) {
    ShardLink& link = *links_[publisherShard].inbound;
    if (link.nackRequests.tryPush(
            NackRequest{subscription.spec.stream, subscription.spec.subscriber, *source})) {
      sink_.wake(publisherShard);
    } else {
      counters_.ringFull.add();
    }
    return;
  }
  const auto stream = streams_.find(subscription.spec.stream);
  PacketSlot* slot = stream == streams_.end() ? nullptr : stream->second.buffer.find(*source, now);
  if (slot == nullptr) {
    counters_.nackMissed.add();
    return;
  }
  // A kept packet parsed when it arrived.
  resend(subscription, *RtpPacketView::parse(slot->data()), now);
}

void Router::answerNackRequests(std::size_t peer, ShardLink& outbound, TimePoint now) {
  NackRequest request;
  while (outbound.nackRequests.tryPop(request)) {
    const auto stream = streams_.find(request.stream);
    PacketSlot* slot = stream == streams_.end()
                           ? nullptr
                           : stream->second.buffer.find(request.sourceSequence, now);
    if (slot == nullptr) {
      counters_.nackMissed.add();
      continue;
    }
    const RetransmissionBuffer::TimePoint arrival =
        stream->second.buffer.storedAt(request.sourceSequence);
    if (pushLent(peer, LentPacket{slot, request.stream, arrival.time_since_epoch(),
                                  request.subscriber})) {
      ++slot->holders;  // the buffer holds it already, so holders ≥ 1 and this is a loan more
    }
  }
}

// RFC 4588 §4: on the subscriber's RTX stream when it negotiated one (its own SSRC, payload
// type and sequence numbers; the original sequence number first in the payload), else as the
// original packet again (RFC 4585 §6.2.1 leaves the repair format to the sender).
void Router::resend(Subscription& subscription, const RtpPacketView& original, TimePoint now) {
  const auto rewrite = subscription.rewriter.retransmission(
      original.ssrc(), original.sequenceNumber(), original.timestamp());
  if (!rewrite) {
    counters_.nackMissed.add();
    return;
  }
  PacketRef copy = sink_.allocatePacket();
  if (!copy) {
    counters_.poolExhausted.add();
    return;
  }
  const SubscriptionSpec& spec = subscription.spec;
  const bool rtx = spec.rtxSsrc != 0 && spec.rtxPayloadType != 0;
  if (rtx) {
    const auto size = RtxPacket::wrap(original, rewrite->sequenceNumber, copy->bytes);
    if (!size) {
      counters_.nackMissed.add();  // a full-size original leaves no room for the OSN
      return;
    }
    copy->length = *size;
  } else {
    const auto source = original.bytes();
    std::copy(source.begin(), source.end(), copy->bytes.begin());
    copy->length = source.size();
  }
  // Built from a parsed packet: it parses.
  auto out = RtpPacketView::parse(copy->data());
  out->setSsrc(rtx ? spec.rtxSsrc : spec.ssrc);
  out->setSequenceNumber(rtx ? subscription.rtxSequence++ : rewrite->sequenceNumber);
  out->setTimestamp(rewrite->timestamp);
  out->setPayloadType(rtx ? spec.rtxPayloadType : spec.payloadType);
  out->remapExtensionIds(subscription.extensionIds);
  stampTransportSequence(subscription, *out, now);
  counters_.countForwarded(RtpKind::kRtx, out->bytes().size());
  sink_.sendRtp(spec.subscriber, std::move(copy));
  counters_.retransmitted.add();
}

// On the tick: the buffer lets go of what is older than a second, and the publisher is asked
// for what it has not sent (RFC 4585 §6.2.1), each loss at most NackGenerator::kMaxRequests
// times.
void Router::maintainRetransmissions(Stream& stream, TimePoint now) {
  while (PacketSlot* slot = stream.buffer.popExpired(now)) {
    letGo(*slot);
  }
  std::array<std::uint16_t, NackGenerator::kMaxMissing> lost{};
  const std::uint64_t givenUpBefore = stream.losses.givenUp();
  const std::size_t count = stream.losses.due(now, lost);
  counters_.nackGivenUp.add(stream.losses.givenUp() - givenUpBefore);
  if (count == 0) {
    return;
  }
  PacketRef nack = sink_.allocatePacket();
  if (!nack) {
    counters_.poolExhausted.add();
    return;
  }
  // At most kMaxMissing items of 4 bytes: it fits in a slot.
  nack->length = *RtcpNack::buildFromLost(nack->bytes, kServerSsrc, stream.spec.ssrc,
                                          std::span(lost).first(count));
  sink_.sendRtcp(stream.spec.publisher, std::move(nack));
  counters_.nacksSent.add();
}

Router::Subscription* Router::findSubscription(StreamKey stream, TransportKey subscriber) {
  const auto found = subscriptions_.find(stream);
  if (found == subscriptions_.end()) {
    return nullptr;
  }
  for (Subscription& subscription : found->second) {
    if (subscription.spec.subscriber == subscriber) {
      return &subscription;
    }
  }
  return nullptr;
}

}  // namespace chorus::media

namespace chorus::media {

// ---- Transport-cc toward subscribers (docs/architecture.md, "RTCP") ----

Router::SubscriberLeg* Router::addSubscriberLeg(const SubscriptionSpec& spec) {
  if (spec.subscriberExtensions.transportCc == 0) {
    return nullptr;
  }
  SubscriberLeg& leg = subscriberLegs_[spec.subscriber];
  ++leg.subscriptions;
  return &leg;
}

void Router::removeSubscriberLeg(TransportKey subscriber) {
  const auto found = subscriberLegs_.find(subscriber);
  if (found != subscriberLegs_.end() && --found->second.subscriptions == 0) {
    subscriberLegs_.erase(found);
  }
}

// Draft §2: one sequence per transport, in every packet sent on it, retransmissions included.
// The value goes into the element the publisher's packet carried (renamed to the subscriber's
// id by extensionIdMap): growing the header would shift the payload, and browsers that
// negotiate transport-cc send it on every packet. A packet without one goes out without, and
// does not use up a number (the subscriber would report it lost).
void Router::stampTransportSequence(const Subscription& subscription, RtpPacketView& out,
                                    TimePoint now) {
  if (subscription.leg == nullptr) {
    return;
  }
  const auto element = out.findExtension(subscription.spec.subscriberExtensions.transportCc);
  if (!element || element->value.size() != 2) {
    counters_.transportCcUnstamped.add();
    return;
  }
  SubscriberLeg& leg = *subscription.leg;
  storeBe16(element->value, 0, leg.nextSequence);
  leg.estimator.onPacketSent(leg.nextSequence, out.bytes().size(), now);
  ++leg.nextSequence;
}

void Router::onSubscriberFeedback(TransportKey from, const RtcpTransportFeedback& feedback,
                                  TimePoint now) {
  const auto leg = subscriberLegs_.find(from);
  if (leg == subscriberLegs_.end()) {
    return;
  }
  leg->second.estimator.onFeedback(feedback, now);
  counters_.transportFeedbackReceived.add();
}

std::optional<std::uint64_t> Router::subscriberBitrate(TransportKey subscriber) const noexcept {
  const auto found = subscriberLegs_.find(subscriber);
  if (found == subscriberLegs_.end()) {
    return std::nullopt;
  }
  return found->second.estimator.estimate();
}

SubscriberBitrateSummary Router::subscriberBitrates() const noexcept {
  SubscriberBitrateSummary summary;
  for (const auto& [transport, leg] : subscriberLegs_) {
    summary.sum += leg.estimator.estimate();
    ++summary.count;
  }
  return summary;
}

// ---- Bitrate caps (docs/signaling.md, "Bitrate") ----

// The same stream with another cap (the room grew or shrank): updated in place, so its
// retransmission buffer, statistics and throttle carry on, and the publisher told at once.
bool Router::recap(const PublishedStreamSpec& spec) {
  const auto found = streams_.find(spec.key);
  if (found == streams_.end()) {
    return false;
  }
  PublishedStreamSpec& installed = found->second.spec;
  PublishedStreamSpec recapped = installed;
  recapped.maxBitrateBps = spec.maxBitrateBps;
  if (recapped != spec) {
    return false;
  }
  if (installed.maxBitrateBps != spec.maxBitrateBps) {
    installed.maxBitrateBps = spec.maxBitrateBps;
    sendBitrateCap(spec.publisher);
  }
  return true;
}

void Router::sendBitrateCaps(TimePoint now) {
  if (now < nextBitrateCaps_) {
    return;
  }
  nextBitrateCaps_ = now + kBitrateCapInterval;
  for (const auto& [transport, leg] : publisherLegs_) {
    sendBitrateCap(transport);
  }
}

// draft-alvestrand-rmcat-remb-03 §2: a REMB bounds what the sender sends on the SSRCs it lists,
// together; libwebrtc applies it to its whole estimate. So one REMB per publisher transport,
// the sum of its capped video streams' caps (audio, a few dozen kbit/s, comes out of it).
void Router::sendBitrateCap(TransportKey publisher) {
  constexpr std::size_t kMaxCappedStreams = 16;
  std::array<std::uint32_t, kMaxCappedStreams> ssrcs{};
  std::size_t count = 0;
  std::uint64_t bitrateBps = 0;
  for (const auto& [key, stream] : streams_) {
    if (stream.spec.publisher == publisher && stream.spec.maxBitrateBps != 0 &&
        count < ssrcs.size()) {
      ssrcs[count++] = stream.spec.ssrc;
      bitrateBps += stream.spec.maxBitrateBps;
    }
  }
  if (count == 0) {
    return;
  }
  PacketRef packet = sink_.allocatePacket();
  if (!packet) {
    counters_.poolExhausted.add();
    return;
  }
  // At most 16 SSRCs: 20 + 64 bytes fit in a slot.
  packet->length =
      *RtcpRemb::build(packet->bytes, kServerSsrc, bitrateBps, std::span(ssrcs).first(count));
  sink_.sendRtcp(publisher, std::move(packet));
  counters_.rembsSent.add();
}

}  // namespace chorus::media
