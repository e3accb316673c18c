#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "media/security/SrtpReplayWindow.h"

namespace chorus::media {

// What one direction of an SRTP session remembers per SSRC (RFC 3711 §3.2.3's per-stream
// state, minus the keys, which are per session here as DTLS-SRTP gives one key per direction).
struct SrtpStreamState {
  std::uint32_t ssrc = 0;
  SrtpReplayWindow rtp;   // 48-bit packet indices: ROC << 16 | SEQ
  SrtpReplayWindow rtcp;  // 31-bit SRTCP indices
};

// A fixed-capacity open-addressing table of stream states, keyed by SSRC. All memory is taken at
// construction: a new SSRC beyond the capacity is refused, never a reason to allocate on the
// packet path. Streams are never removed (a session lives as long as its DTLS association).
class SrtpStreamTable {
 public:
  explicit SrtpStreamTable(std::size_t capacity);

  SrtpStreamState* find(std::uint32_t ssrc) noexcept;
  // The new state for ssrc (which must not be present), or nullptr when the table is full.
  SrtpStreamState* insert(std::uint32_t ssrc) noexcept;

  bool full() const noexcept { return size_ == capacity_; }
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  struct Slot {
    bool used = false;
    SrtpStreamState state;
  };

  std::size_t home(std::uint32_t ssrc) const noexcept;

  std::vector<Slot> slots_;  // a power of two, at least twice the capacity: short probes
  int shift_;                // 32 - log2(slots_.size()): home() keeps the hash's top bits
  std::size_t capacity_;
  std::size_t size_ = 0;
};

}  // namespace chorus::media
