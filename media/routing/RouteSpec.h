#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "media/wire/VideoKeyframe.h"

namespace chorus::media {

// A transport as the router names it: the shard's transport id.
using TransportKey = std::uint64_t;
// A published track, numbered by the control plane; the same on every shard.
using StreamKey = std::uint32_t;

// The local ids (RFC 8285) one side of a leg gave the header extensions the router knows; 0 is
// "not negotiated".
struct RtpExtensionIds {
  std::uint8_t mid = 0;
  std::uint8_t absSendTime = 0;
  std::uint8_t transportCc = 0;
  std::uint8_t audioLevel = 0;
  std::uint8_t videoOrientation = 0;
  std::uint8_t playoutDelay = 0;

  friend bool operator==(const RtpExtensionIds&, const RtpExtensionIds&) = default;
};

// RFC 8285 ids from a publisher's to a subscriber's: the extensions whose values mean the same on
// both legs (abs-send-time, audio level, orientation, playout delay) are renamed; so is
// transport-wide-cc, whose value the router then overwrites with the subscriber transport's own
// sequence (the element is kept so the header need not grow); mid (the subscriber's m-section
// has another mid, and SSRCs are signalled) is erased (0), as is anything the subscriber did not
// negotiate.
std::array<std::uint8_t, 256> extensionIdMap(const RtpExtensionIds& publisher,
                                             const RtpExtensionIds& subscriber) noexcept;

// One published stream, as the publisher's shard routes it (docs/architecture.md, "Routing").
struct PublishedStreamSpec {
  StreamKey key = 0;
  TransportKey publisher = 0;
  bool video = false;
  std::uint32_t clockRate = 0;
  std::uint32_t ssrc = 0;     // the publisher's media SSRC
  std::uint32_t rtxSsrc = 0;  // its RTX SSRC (RFC 4588), 0 if none
  std::uint8_t payloadType = 0;
  // Video: its payload format, so the router sees where keyframes start (kUnknown: it does not).
  VideoFormat format = VideoFormat::kUnknown;
  RtpExtensionIds extensions;
  // Video only: what the publisher may send on it, told by REMB (docs/signaling.md, "Bitrate");
  // 0 is no cap.
  std::uint32_t maxBitrateBps = 0;

  friend bool operator==(const PublishedStreamSpec&, const PublishedStreamSpec&) = default;
};

// One subscriber's copy of a stream, as the subscriber's shard sends it.
struct SubscriptionSpec {
  StreamKey stream = 0;
  std::size_t publisherShard = 0;  // where keyframe requests go
  TransportKey subscriber = 0;
  bool video = false;
  std::uint32_t clockRate = 0;
  std::uint32_t ssrc = 0;  // the subscriber-side SSRCs the server offered
  std::uint32_t rtxSsrc = 0;
  std::uint8_t payloadType = 0;  // the subscriber-side payload type
  // Its RTX payload type (RFC 4588 §8.6, "apt" = payloadType); with rtxSsrc, 0 when the
  // subscriber gets retransmissions in the original stream instead.
  std::uint8_t rtxPayloadType = 0;
  // Video: the stream's payload format. When known, the subscriber's copy starts at a keyframe.
  VideoFormat format = VideoFormat::kUnknown;
  RtpExtensionIds publisherExtensions;
  RtpExtensionIds subscriberExtensions;

  friend bool operator==(const SubscriptionSpec&, const SubscriptionSpec&) = default;
};

}  // namespace chorus::media
