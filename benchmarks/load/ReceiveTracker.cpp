#include "benchmarks/load/ReceiveTracker.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "benchmarks/load/RtpHeaderWriter.h"
#include "media/wire/ByteOrder.h"

namespace chorus::bench {
namespace {

constexpr std::int64_t kSequenceModulus = 1 << 16;

// The extended sequence number nearest to `highest` whose low 16 bits are `sequence`.
std::int64_t extend(std::uint16_t sequence, std::int64_t highest) {
  if (highest < 0) {
    return sequence;
  }
  const std::int64_t cycle = highest & ~(kSequenceModulus - 1);
  std::int64_t candidate = cycle + sequence;
  if (candidate - highest > kSequenceModulus / 2) {
    candidate -= kSequenceModulus;
  } else if (highest - candidate > kSequenceModulus / 2) {
    candidate += kSequenceModulus;
  }
  return candidate;
}

}  // namespace

void ReceiveTracker::expect(const std::vector<OfferedStream>& streams) {
  for (const OfferedStream& offered : streams) {
    if (find(offered.ssrc) != nullptr) {
      continue;
    }
    StreamReception stream;
    stream.ssrc = offered.ssrc;
    stream.video = offered.video;
    stream.publisher = offered.publisher;
    streams_.push_back(std::move(stream));
    absSendTimeIds_.push_back(offered.absSendTimeId);
    expectedAtLastReport_.push_back(0);
    receivedAtLastReport_.push_back(0);
  }
}

StreamReception* ReceiveTracker::find(std::uint32_t ssrc) {
  const auto it = std::find_if(streams_.begin(), streams_.end(),
                               [ssrc](const StreamReception& s) { return s.ssrc == ssrc; });
  return it == streams_.end() ? nullptr : &*it;
}

bool ReceiveTracker::onRtp(const media::RtpPacketView& packet, std::size_t size,
                           std::chrono::nanoseconds now) {
  StreamReception* stream = find(packet.ssrc());
  if (stream == nullptr) {
    ++unknownSsrc_;
    return false;
  }
  const auto index = static_cast<std::size_t>(stream - streams_.data());
  const std::int64_t sequence = extend(packet.sequenceNumber(), stream->highestSequence);
  const bool first = stream->highestSequence < 0;
  if (!firstPacketAt_) {
    firstPacketAt_ = now;
  }
  ++stream->received;
  stream->bytes += size;
  const std::size_t slot = static_cast<std::size_t>(sequence) % stream->seen.size();
  if (first) {
    stream->baseSequence = sequence;
    stream->highestSequence = sequence;
    stream->seen.set(slot);
  } else if (sequence > stream->highestSequence) {
    for (std::int64_t s = stream->highestSequence + 1;
         s < sequence && s <= stream->highestSequence + 1024; ++s) {
      stream->seen.reset(static_cast<std::size_t>(s) % stream->seen.size());
    }
    stream->highestSequence = sequence;
    stream->seen.set(slot);
  } else if (stream->highestSequence - sequence >= 1024 || stream->seen.test(slot)) {
    ++stream->duplicates;
  } else {
    ++stream->reordered;
    stream->seen.set(slot);
  }
  if (const std::uint8_t id = absSendTimeIds_[index];
      id != 0 && delaySource_ == DelaySource::kAbsSendTime) {
    if (const auto value = packet.findExtension(id); value && value->value.size() == 3) {
      addDelay(*stream, RtpHeaderWriter::delaySince(media::loadBe24(value->value, 0), now), first);
    }
  }
  return first || (verifyEvery_ != 0 && stream->received % verifyEvery_ == 0);
}

void ReceiveTracker::addDelay(StreamReception& stream, std::chrono::nanoseconds delay, bool first) {
  delays_.add(delay);
  // RFC 3550 §A.8: J += (|D| - J) / 16, D the change in transit time.
  const std::int64_t transit = delay.count();
  if (!first) {
    const auto change = static_cast<double>(std::llabs(transit - stream.lastTransitNs));
    stream.jitterNs += (change - stream.jitterNs) / 16.0;
  }
  stream.lastTransitNs = transit;
}

void ReceiveTracker::onDecrypted(const media::RtpPacketView& packet, std::chrono::nanoseconds now) {
  StreamReception* stream = find(packet.ssrc());
  const auto probe = MediaProbe::readFrom(packet.payload());
  if (stream == nullptr || !probe) {
    return;
  }
  if (delaySource_ == DelaySource::kProbe) {
    addDelay(*stream, now - std::chrono::nanoseconds(probe->sendTimeNs), stream->verified == 0);
  }
  ++stream->verified;
  const std::int64_t sequence = extend(packet.sequenceNumber(), stream->highestSequence);
  const std::int64_t offset = std::int64_t{probe->sequence} - sequence;
  if (!stream->sender) {
    stream->sender = probe->sender;
    stream->firstProbeSequence = probe->sequence;
    stream->probeOffset = offset;
    return;
  }
  if (*stream->sender != probe->sender || stream->probeOffset != offset) {
    ++stream->mismatches;
  }
}

std::vector<media::RtcpReportBlock> ReceiveTracker::reportBlocks() {
  std::vector<media::RtcpReportBlock> blocks;
  for (std::size_t i = 0; i < streams_.size() && blocks.size() < 31; ++i) {
    const StreamReception& stream = streams_[i];
    if (stream.highestSequence < 0) {
      continue;
    }
    // RFC 3550 §A.3: the fraction lost over the interval since the last report.
    const std::uint64_t expected = stream.expected() - expectedAtLastReport_[i];
    const std::uint64_t received = stream.unique() - receivedAtLastReport_[i];
    expectedAtLastReport_[i] = stream.expected();
    receivedAtLastReport_[i] = stream.unique();
    const std::uint64_t lostInterval = expected > received ? expected - received : 0;
    media::RtcpReportBlock block;
    block.ssrc = stream.ssrc;
    block.fractionLost =
        expected == 0 ? 0 : static_cast<std::uint8_t>((lostInterval << 8U) / expected);
    block.cumulativeLost = static_cast<std::int32_t>(stream.lost());
    block.extendedHighestSequence = static_cast<std::uint32_t>(stream.highestSequence);
    // Jitter in RTP timestamp units: 90 kHz for video, 48 kHz for Opus.
    const double clock = stream.video ? 90'000.0 : 48'000.0;
    block.jitter = static_cast<std::uint32_t>(stream.jitterNs * clock / 1e9);
    blocks.push_back(block);
  }
  return blocks;
}

}  // namespace chorus::bench
