#include "media/routing/NackGenerator.h"

#include <algorithm>

namespace chorus::media {

void NackGenerator::received(std::uint16_t sequenceNumber, TimePoint now,
                             Arrival arrival) noexcept {
  if (!highest_) {
    highest_ = sequenceNumber;
    return;
  }
  // RFC 3550 §A.1: the distance modulo 2^16 says ahead (positive) or late (negative).
  const auto distance =
      static_cast<std::int16_t>(static_cast<std::uint16_t>(sequenceNumber - *highest_));
  if (distance < 0) {
    for (std::size_t i = 0; i < count_; ++i) {
      if (missing_[i].sequenceNumber == sequenceNumber) {
        recovered(missing_[i], now, arrival);
        remove(i);
        break;
      }
    }
    return;
  }
  if (distance == 0) {
    return;
  }
  const auto gap = static_cast<std::size_t>(distance - 1);
  if (gap > kMaxMissing) {
    // A jump no retransmission could fill in time (a publisher restarting its numbering, a long
    // outage): forget the old losses rather than flood the publisher.
    givenUp_ += count_ + gap;
    count_ = 0;
  } else {
    for (std::size_t i = 1; i <= gap; ++i) {
      if (count_ == kMaxMissing) {
        remove(0);  // the oldest loss is the least likely to still be useful
        ++givenUp_;
      }
      missing_[count_++] = {static_cast<std::uint16_t>(*highest_ + i), 0, now};
    }
  }
  highest_ = sequenceNumber;
}

std::size_t NackGenerator::due(TimePoint now, std::span<std::uint16_t> out) noexcept {
  std::size_t written = 0;
  for (std::size_t i = 0; i < count_ && written < out.size();) {
    Missing& entry = missing_[i];
    if (entry.nextRequest > now) {
      ++i;
      continue;
    }
    if (entry.requests == kMaxRequests) {
      remove(i);
      ++givenUp_;
      continue;
    }
    out[written++] = entry.sequenceNumber;
    ++entry.requests;
    entry.lastRequest = now;
    entry.nextRequest = now + retryInterval_;
    ++i;
  }
  return written;
}

void NackGenerator::recovered(const Missing& entry, TimePoint now, Arrival arrival) noexcept {
  // Karn's rule: only an answer to the one request tells how long one round trip took.
  if (arrival == Arrival::kRetransmission && entry.requests == 1 && now >= entry.lastRequest) {
    measure(now - entry.lastRequest);
  }
}

// RFC 6298 §2.2-2.3: SRTT and RTTVAR with gains 1/8 and 1/4; the interval is SRTT + 4 RTTVAR,
// here bounded to [kMinRetryInterval, kMaxRetryInterval].
void NackGenerator::measure(std::chrono::nanoseconds sample) noexcept {
  if (!smoothedRtt_) {
    smoothedRtt_ = sample;
    rttVariation_ = sample / 2;
  } else {
    const auto deviation = sample > *smoothedRtt_ ? sample - *smoothedRtt_ : *smoothedRtt_ - sample;
    rttVariation_ = (3 * rttVariation_ + deviation) / 4;
    smoothedRtt_ = (7 * *smoothedRtt_ + sample) / 8;
  }
  retryInterval_ = std::clamp<std::chrono::nanoseconds>(*smoothedRtt_ + 4 * rttVariation_,
                                                        kMinRetryInterval, kMaxRetryInterval);
}

void NackGenerator::remove(std::size_t index) noexcept {
  std::copy(missing_.begin() + static_cast<std::ptrdiff_t>(index) + 1,
            missing_.begin() + static_cast<std::ptrdiff_t>(count_),
            missing_.begin() + static_cast<std::ptrdiff_t>(index));
  --count_;
}

}  // namespace chorus::media
