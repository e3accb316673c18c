#include "media/routing/Router.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include "media/wire/ByteOrder.h"
#include "media/wire/RtcpCompoundView.h"
#include "media/wire/RtcpFir.h"
#include "media/wire/RtcpPli.h"
#include "media/wire/RtcpReceiverReport.h"
#include "media/wire/RtcpSenderReport.h"

namespace chorus::media {

namespace {

// The SSRC the server's own feedback carries as its sender (RFC 4585 §6.1: a receiver that
// sends no media still names itself; browsers do not check it).
constexpr std::uint32_t kServerSsrc = 0x43484F52;  // "CHOR"

}  // namespace

Router::Router(std::size_t shard, PacketPool& pool, RouterSink& sink)
    : shard_(shard), pool_(pool), sink_(sink), links_(shard + 1) {}

void Router::connect(std::size_t peer, ShardLink& outbound, ShardLink& inbound) {
  links_.resize(std::max(links_.size(), peer + 1));
  links_[peer] = {&outbound, &inbound};
}

void Router::addPublishedStream(const PublishedStreamSpec& spec) {
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
}

void Router::removePublishedStream(StreamKey stream) {
  const auto found = streams_.find(stream);
  if (found == streams_.end()) {
    return;
  }
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
  subscriptions_[spec.stream].push_back(
      {spec, RtpStreamRewriter(spec.ssrc, firstSequence, firstTimestamp, spec.clockRate),
       extensionIdMap(spec.publisherExtensions, spec.subscriberExtensions), SendStatistics{}});
  bySubscriberSsrc_[{spec.subscriber, spec.ssrc}] = {spec.stream, spec.publisherShard};
  if (spec.video) {
    requestKeyframe(spec.stream, spec.publisherShard, now);
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
      it = list.erase(it);
    } else {
      ++it;
    }
  }
  if (list.empty()) {
    subscriptions_.erase(found);
  }
}

void Router::onSubscriberConnected(TransportKey subscriber, TimePoint now) {
  for (const auto& [stream, list] : subscriptions_) {
    for (const auto& subscription : list) {
      if (subscription.spec.subscriber == subscriber && subscription.spec.video) {
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
  const auto found = bySsrc_.find({from, view->ssrc()});
  if (found == bySsrc_.end()) {
    (byRtxSsrc_.contains({from, view->ssrc()}) ? counters_.rtxDropped : counters_.unknownStream)
        .add();
    return;
  }
  Stream& stream = streams_.find(found->second)->second;
  stream.received.onPacket(view->sequenceNumber(), view->timestamp(), now);
  if (stream.spec.extensions.audioLevel != 0) {
    measureSpeech(stream, *view);
  }
  fanOut(found->second, *view, now);
  lend(packet, stream, now);
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
  subscription.sent.onPacketSent(out->payload().size());
  sink_.sendRtp(subscription.spec.subscriber, std::move(copy));
  counters_.forwarded.add();
}

void Router::lend(PacketRef& packet, const Stream& stream, TimePoint now) {
  std::uint32_t holders = 0;
  for (std::size_t peer = 0; peer < links_.size(); ++peer) {
    if (peer == shard_ || stream.subscribersOn[peer] == 0) {
      continue;
    }
    ShardLink& link = *links_[peer].outbound;
    if (link.lent >= ShardLink::kCapacity ||
        !link.packets.tryPush(LentPacket{&*packet, stream.spec.key, now.time_since_epoch()})) {
      counters_.ringFull.add();
      continue;
    }
    ++link.lent;
    ++holders;
    counters_.lent.add();
    // With the fence in drain(): either the peer, about to sleep, sees this packet, or this
    // sees the ring it emptied and wakes it (a store-load pair that acquire/release alone does
    // not order).
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (link.packets.sizeApprox() == 1) {
      sink_.wake(peer);
    }
  }
  if (holders > 0) {
    // The peers read the bytes; only this thread touches `holders`.
    packet.detach()->holders = holders;
  }
}

void Router::drain(TimePoint now) {
  for (const Link& link : links_) {
    if (link.inbound == nullptr) {
      continue;  // this shard, or a single-shard process
    }
    ShardLink& inbound = *link.inbound;
    LentPacket borrowed;
    do {
      while (inbound.packets.tryPop(borrowed)) {
        if (const auto view = RtpPacketView::parse(borrowed.slot->data())) {
          fanOut(borrowed.stream, *view, TimePoint(borrowed.arrival));
        }
        // Never full: the owner lends at most the ring's capacity at once.
        inbound.returns.tryPush(std::exchange(borrowed.slot, nullptr));
      }
      std::atomic_thread_fence(std::memory_order_seq_cst);  // pairs with the one in lend()
    } while (inbound.packets.sizeApprox() > 0);
    ShardLink& outbound = *link.outbound;
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
}

void Router::tick(TimePoint now) {
  drain(now);
  for (auto& [key, stream] : streams_) {
    if (stream.throttle.due(now)) {
      sendPli(stream);
    }
  }
  sendReports(now);
}

void Router::takeBack(PacketSlot& slot) {
  if (--slot.holders == 0) {
    pool_.giveBack(slot);
  }
}

void Router::onRtcp(TransportKey from, const PacketRef& packet, TimePoint now) {
  const auto compound = RtcpCompoundView::parse(packet->data());
  if (!compound) {
    return;
  }
  const auto request = [&](std::uint32_t mediaSsrc) {
    const auto found = bySubscriberSsrc_.find({from, mediaSsrc});
    if (found != bySubscriberSsrc_.end()) {
      requestKeyframe(found->second.stream, found->second.publisherShard, now);
    }
  };
  for (const RtcpHeader& header : *compound) {
    if (const auto pli = RtcpPli::parse(header)) {
      request(pli->mediaSsrc());
    } else if (const auto fir = RtcpFir::parse(header)) {
      for (std::size_t i = 0; i < fir->entryCount(); ++i) {
        request(fir->entry(i).ssrc);
      }
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
  const auto onBlock = [&](const RtcpReportBlock& block) {
    const auto found = bySubscriberSsrc_.find({from, block.ssrc});
    if (found == bySubscriberSsrc_.end()) {
      return;
    }
    for (Subscription& subscription : subscriptions_.find(found->second.stream)->second) {
      if (subscription.spec.subscriber == from) {
        subscription.sent.onReportBlock(block, now);
      }
    }
  };
  if (const auto sr = RtcpSenderReport::parse(header)) {
    const RtcpSenderInfo info = sr->senderInfo();
    if (const auto stream = bySsrc_.find({from, info.ssrc}); stream != bySsrc_.end()) {
      streams_.find(stream->second)
          ->second.received.onSenderReport(info.ntpTimestamp, info.rtpTimestamp, now);
    }
    for (std::size_t i = 0; i < sr->reportBlockCount(); ++i) {
      onBlock(sr->reportBlock(i));
    }
  } else if (const auto rr = RtcpReceiverReport::parse(header)) {
    for (std::size_t i = 0; i < rr->reportBlockCount(); ++i) {
      onBlock(rr->reportBlock(i));
    }
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
    const auto stream = streams_.find(key);
    if (stream == streams_.end()) {
      continue;  // published on another shard: its SRs arrive there
    }
    for (Subscription& subscription : list) {
      if (subscription.rewriter.sourceSsrc() != stream->second.spec.ssrc) {
        continue;
      }
      const auto info = subscription.sent.senderInfo(
          subscription.spec.ssrc, stream->second.received.lastSenderReport(),
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
