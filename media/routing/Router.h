#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "media/routing/KeyframeRequestThrottle.h"
#include "media/routing/NackGenerator.h"
#include "media/routing/ReceiveStatistics.h"
#include "media/routing/RetransmissionBuffer.h"
#include "media/routing/RouteSpec.h"
#include "media/routing/RouterCounters.h"
#include "media/routing/RtpStreamRewriter.h"
#include "media/routing/SendStatistics.h"
#include "media/routing/ShardLink.h"
#include "media/routing/SpeechActivity.h"
#include "media/routing/SubscriberBandwidthEstimator.h"
#include "media/routing/TransportCcFeedback.h"
#include "media/stats/RelaxedCounter.h"
#include "media/wire/PacketPool.h"
#include "media/wire/RtcpNack.h"
#include "media/wire/RtpPacketView.h"

namespace chorus::media {

// Where the router's packets go: the shard's transports, its pool, and the other shards' loops.
class RouterSink {
 public:
  virtual ~RouterSink() = default;
  virtual PacketRef allocatePacket() = 0;
  virtual void sendRtp(TransportKey transport, PacketRef packet) = 0;
  virtual void sendRtcp(TransportKey transport, PacketRef packet) = 0;
  // Shard `peer` has new work in a ring from this one and may be asleep.
  virtual void wake(std::size_t peer) = 0;
};

// The server's estimates of its subscribers' downlinks on one shard, for the metrics scrape.
struct SubscriberBitrateSummary {
  std::uint64_t sum = 0;  // bits per second
  std::size_t count = 0;  // subscriber transports with transport-cc
};

// The forwarding core of one shard (docs/architecture.md, "Routing"). It owns the routes of the
// streams published on this shard's transports and the subscriptions of this shard's
// subscribers, and moves every RTP packet a publisher sends to each subscriber: a copy per
// subscriber with its own SSRC, sequence, timestamp, payload type and extension ids. Subscribers
// on other shards get the packet through a ShardLink. Single-threaded: everything is called on
// the shard's thread, the route changes included (the control plane posts them), so the packet
// path reads plain data without synchronisation, and allocates nothing.
class Router {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // At most one PLI per stream per this interval, however many subscribers ask (RFC 4585 §3.5.1
  // leaves the policy to the sender of feedback).
  static constexpr std::chrono::milliseconds kKeyframeRequestInterval{300};
  // Transport-cc feedback to each publisher transport this often: libwebrtc's own receivers send
  // it every 50-250 ms depending on the bitrate; its estimator wants it at least every 500 ms.
  static constexpr std::chrono::milliseconds kTransportFeedbackInterval{50};
  // RRs to publishers and SRs to subscribers: RFC 3550 §6.2 leaves the interval to the
  // session's bandwidth; browsers report about once a second, and so does the server.
  static constexpr std::chrono::milliseconds kReportInterval{1000};
  // A publisher's bitrate cap is repeated this often (and sent at once when it changes):
  // libwebrtc lets a REMB bound its estimate until a newer one comes.
  static constexpr std::chrono::milliseconds kBitrateCapInterval{1000};
  // A video subscription still waiting for its first keyframe asks again this often, in case
  // the request or the keyframe's first packet was lost.
  static constexpr std::chrono::milliseconds kKeyframeRetryInterval{500};

  Router(std::size_t shard, PacketPool& pool, RouterSink& sink);
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;
  Router(Router&&) = delete;
  Router& operator=(Router&&) = delete;
  ~Router() = default;

  // Before the shards run and before any route: the links from this shard to `peer` and from
  // `peer` to this one.
  void connect(std::size_t peer, ShardLink& outbound, ShardLink& inbound);

  // Route changes, from the control plane.
  void addPublishedStream(const PublishedStreamSpec& spec);
  void removePublishedStream(StreamKey stream);
  void addRemoteSubscriber(StreamKey stream, std::size_t peer);
  void removeRemoteSubscriber(StreamKey stream, std::size_t peer);
  void addSubscription(const SubscriptionSpec& spec, std::uint16_t firstSequence,
                       std::uint32_t firstTimestamp, TimePoint now);
  void removeSubscription(StreamKey stream, TransportKey subscriber);
  // A subscriber's transport came up: ask its publishers for keyframes so it can start decoding.
  void onSubscriberConnected(TransportKey subscriber, TimePoint now);

  // The packet path.
  void onRtp(TransportKey from, PacketRef& packet, TimePoint now);
  void onRtcp(TransportKey from, const PacketRef& packet, TimePoint now);
  // Takes the packets and requests other shards put in this one's rings, and the slots they
  // give back. Call when woken and at the end of each receive batch.
  void drain(TimePoint now);
  // drain(), then the keyframe requests the throttle held back. Call on the shard's tick.
  void tick(TimePoint now);

  // The loudness of each audio stream published on this shard since the last call (0 to 127,
  // SpeechActivity), for the room's active speakers. Control plane: allocates.
  std::vector<std::pair<StreamKey, std::uint8_t>> takeAudioLevels();

  // The first packet sent on a subscription, for the join-to-first-media latency.
  struct FirstForward {
    TransportKey subscriber = 0;
    TimePoint at{};
  };
  // The first forwards since the last call, at most kMaxFirstForwards of them (more in one
  // interval are left out: a sample of the latency, not a count). Control plane: allocates.
  std::vector<FirstForward> takeFirstForwards();
  static constexpr std::size_t kMaxFirstForwards = 256;

  const RouterCounters& counters() const noexcept { return counters_; }
  // What was sent on a subscription of this shard and the leg's round-trip time; null if there
  // is no such subscription.
  const SendStatistics* sendStatistics(StreamKey stream, TransportKey subscriber) const noexcept;
  std::size_t streamCount() const noexcept { return streams_.size(); }
  // The estimate of what the subscriber's downlink takes, in bits per second, from its
  // transport-cc feedback (SubscriberBandwidthEstimator); nothing if the transport has no
  // subscription here that negotiated transport-cc.
  std::optional<std::uint64_t> subscriberBitrate(TransportKey subscriber) const noexcept;
  SubscriberBitrateSummary subscriberBitrates() const noexcept;

 private:
  // The server as the sender on a subscriber's transport that negotiated transport-cc: the
  // transport-wide sequence shared by all its subscriptions, and what the feedback says.
  struct SubscriberLeg {
    SubscriberBandwidthEstimator estimator;
    std::uint16_t nextSequence = 0;
    std::size_t subscriptions = 0;
  };
  struct Subscription {
    SubscriptionSpec spec;
    RtpStreamRewriter rewriter;
    std::array<std::uint8_t, 256> extensionIds{};
    SendStatistics sent;
    std::uint16_t rtxSequence = 0;  // the next sequence number on the subscriber's RTX SSRC
    SubscriberLeg* leg = nullptr;   // its transport's, if it negotiated transport-cc
    // The publisher's last SR when the stream is published on another shard (relayed through
    // the link), and the publisher SSRC it is about; on the publisher's shard the stream's
    // ReceiveStatistics keeps it.
    std::optional<SenderReportMapping> relayedReport;
    std::uint32_t relayedSsrc = 0;
    // Video whose format the router reads starts at a keyframe: a decoder given the packets of
    // a delta frame first can only discard them and ask for a keyframe itself.
    bool awaitingKeyframe = false;
    TimePoint keyframeRequestedAt{};
    bool forwardedAny = false;  // its first packet has been sent (noted in firstForwards_)
  };
  struct Stream {
    PublishedStreamSpec spec;
    std::vector<std::uint16_t> subscribersOn;  // by shard: subscribers on each other shard
    KeyframeRequestThrottle throttle{kKeyframeRequestInterval};
    ReceiveStatistics received{0, 0};
    SpeechActivity speech;  // audio streams with the RFC 6464 extension
    // Video only: the last second of packets, for subscribers' NACKs, and the publisher's
    // losses to NACK (docs/architecture.md, "Retransmission").
    RetransmissionBuffer buffer;
    NackGenerator losses;
  };
  // The server as the receiver on a publisher's transport: its transport-cc feedback.
  struct PublisherLeg {
    explicit PublisherLeg(std::uint8_t extensionId) noexcept;
    TransportCcFeedback transportCc;
    std::uint8_t transportCcId;
    std::size_t streams = 0;
  };
  struct Link {
    ShardLink* outbound = nullptr;
    ShardLink* inbound = nullptr;
  };
  struct SsrcKey {
    TransportKey transport;
    std::uint32_t ssrc;
    friend bool operator==(const SsrcKey&, const SsrcKey&) = default;
  };
  struct SsrcKeyHash {
    std::size_t operator()(const SsrcKey& key) const noexcept {
      return std::hash<std::uint64_t>{}(key.transport * 0x9E3779B97F4A7C15ULL ^ key.ssrc);
    }
  };
  struct Feedback {
    StreamKey stream;
    std::size_t publisherShard;
  };

  void fanOut(StreamKey stream, const RtpPacketView& view, TimePoint arrival);
  static void measureSpeech(Stream& stream, const RtpPacketView& view);
  void sendCopy(Subscription& subscription, const RtpPacketView& view, TimePoint arrival);
  void route(StreamKey key, PacketRef& packet, const RtpPacketView& view,
             NackGenerator::Arrival arrival, TimePoint now);
  void lend(PacketRef& packet, const Stream& stream, TimePoint now, std::uint32_t holders);
  bool pushLent(std::size_t peer, const LentPacket& packet);
  void requestKeyframe(StreamKey stream, std::size_t publisherShard, TimePoint now);
  void awaitKeyframe(Subscription& subscription, TimePoint now);
  void retryKeyframeRequests(TimePoint now);
  void sendPli(Stream& stream);
  void takeBack(PacketSlot& slot);
  // RTCP as an endpoint on every leg (RFC 3550 §6.4, transport-cc).
  void addPublisherLeg(const PublishedStreamSpec& spec);
  void removePublisherLeg(TransportKey publisher);
  void recordTransportCc(TransportKey from, const RtpPacketView& view, TimePoint now);
  void onReport(TransportKey from, const RtcpHeader& header, TimePoint now);
  void onSubscriberReportBlock(TransportKey from, const RtcpReportBlock& block, TimePoint now);
  void relaySenderReport(const Stream& stream, const RtcpSenderInfo& info, TimePoint now);
  void storeRelayedSenderReport(const RelayedSenderReport& report);
  void sendReports(TimePoint now);
  void sendTransportFeedback();
  void sendReceiverReports(TimePoint now);
  void sendSenderReports(TimePoint now);
  // Transport-cc toward subscribers: the sequence they report, their feedback.
  SubscriberLeg* addSubscriberLeg(const SubscriptionSpec& spec);
  void removeSubscriberLeg(TransportKey subscriber);
  void stampTransportSequence(const Subscription& subscription, RtpPacketView& out, TimePoint now);
  void onSubscriberFeedback(TransportKey from, const RtcpTransportFeedback& feedback,
                            TimePoint now);

  // Bitrate caps to publishers (docs/signaling.md, "Bitrate").
  bool recap(const PublishedStreamSpec& spec);
  void sendBitrateCaps(TimePoint now);
  void sendBitrateCap(TransportKey publisher);

  // NACK and RTX (RFC 4585 §6.2.1, RFC 4588 §4).
  std::optional<RtpPacketView> recoverFromRtx(PacketSlot& packet, RtpPacketView rtx,
                                              const Stream& stream);
  bool keepForRetransmission(PacketSlot& slot, Stream& stream, std::uint16_t sequenceNumber,
                             NackGenerator::Arrival arrival, TimePoint now);
  void letGo(PacketSlot& slot);
  void releaseBuffer(Stream& stream);
  void onNack(TransportKey from, const RtcpNack& nack, TimePoint now);
  void answerNack(Subscription& subscription, std::uint16_t outSequence, TimePoint now);
  void answerNackRequests(std::size_t peer, ShardLink& outbound, TimePoint now);
  void resend(Subscription& subscription, const RtpPacketView& original, TimePoint now);
  void maintainRetransmissions(Stream& stream, TimePoint now);
  Subscription* findSubscription(StreamKey stream, TransportKey subscriber);

  std::size_t shard_;
  PacketPool& pool_;
  RouterSink& sink_;
  // The slots the retransmission buffers of this shard keep, and their budget: half the pool,
  // so forwarding keeps the other half however many video streams a shard carries.
  std::size_t kept_ = 0;
  std::size_t keptBudget_;
  std::vector<Link> links_;  // by peer shard
  std::unordered_map<StreamKey, Stream> streams_;
  // Subscribers of each stream on each other shard, kept apart from streams_ because a stream
  // may be published again (a new transport) while its subscribers stay.
  std::unordered_map<StreamKey, std::vector<std::uint16_t>> remoteSubscribers_;
  std::unordered_map<SsrcKey, StreamKey, SsrcKeyHash> bySsrc_;     // publishers' SSRCs
  std::unordered_map<SsrcKey, StreamKey, SsrcKeyHash> byRtxSsrc_;  // their RTX SSRCs
  std::unordered_map<StreamKey, std::vector<Subscription>> subscriptions_;
  std::unordered_map<SsrcKey, Feedback, SsrcKeyHash> bySubscriberSsrc_;
  std::unordered_map<TransportKey, PublisherLeg> publisherLegs_;
  // Nodes stay put: subscriptions point at their transport's leg.
  std::unordered_map<TransportKey, SubscriberLeg> subscriberLegs_;
  TimePoint nextTransportFeedback_{};
  TimePoint nextReports_{};
  TimePoint nextEstimateSnapshot_{};
  TimePoint nextBitrateCaps_{};
  RouterCounters counters_;
  std::vector<FirstForward> firstForwards_;  // capacity kMaxFirstForwards, reserved up front
  std::size_t ringPeak_ = 0;                 // since the last snapshot (RouterCounters::ringPeak)
};

}  // namespace chorus::media
