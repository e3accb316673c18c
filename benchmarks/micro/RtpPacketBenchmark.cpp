// The per-packet wire work of forwarding: rewriting an RTP packet's header and transport-wide
// sequence number for a subscriber, and reading the RTCP feedback a subscriber sends back.
#include <array>
#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#include "media/wire/RtcpCompoundView.h"
#include "media/wire/RtcpNack.h"
#include "media/wire/RtcpPli.h"
#include "media/wire/RtcpReceiverReport.h"
#include "media/wire/RtpPacketView.h"

namespace {

using chorus::media::RtcpCompoundView;
using chorus::media::RtcpHeader;
using chorus::media::RtcpNack;
using chorus::media::RtcpPli;
using chorus::media::RtcpReceiverReport;
using chorus::media::RtpPacketView;

constexpr std::size_t kVideoPacketSize = 1200;
constexpr std::uint8_t kTransportCcId = 3;

// A 1200-byte VP8 packet with three one-byte extensions: abs-send-time (id 2), transport-wide
// sequence number (id 3) and mid (id 4).
std::vector<std::uint8_t> videoPacket() {
  std::vector<std::uint8_t> packet{
      0x90, 0x60, 0x12, 0x34, 0x00, 0x0f, 0x42, 0x40, 0x11, 0x22, 0x33, 0x44,  //
      0xbe, 0xde, 0x00, 0x03,                                                  //
      0x22, 0x3c, 0x9d, 0x71,                                                  // abs-send-time
      0x31, 0x04, 0xd2,                                                        // transport-cc
      0x40, '0',                                                               // mid "0"
      0x00, 0x00, 0x00,                                                        // padding
  };
  packet.resize(kVideoPacketSize, 0x5a);
  return packet;
}

void rewriteVideoPacket(benchmark::State& state) {
  auto packet = videoPacket();
  std::uint16_t sequenceNumber = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    auto view = RtpPacketView::parse(packet);
    view->setSsrc(0xabcdef01);
    view->setSequenceNumber(sequenceNumber);
    view->setTimestamp(view->timestamp() + 3000);
    view->setPayloadType(98);
    const auto transportCc = view->findExtension(kTransportCcId);
    transportCc->value[0] = static_cast<std::uint8_t>(sequenceNumber >> 8);
    transportCc->value[1] = static_cast<std::uint8_t>(sequenceNumber);
    ++sequenceNumber;
    benchmark::DoNotOptimize(packet.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(rewriteVideoPacket);

void remapVideoPacketExtensionIds(benchmark::State& state) {
  auto packet = videoPacket();
  std::array<std::uint8_t, 256> forward{};
  std::array<std::uint8_t, 256> back{};
  forward[2] = 5;
  forward[3] = 6;
  forward[4] = 7;
  back[5] = 2;
  back[6] = 3;
  back[7] = 4;
  bool flip = false;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    auto view = RtpPacketView::parse(packet);
    benchmark::DoNotOptimize(view->remapExtensionIds(flip ? back : forward));
    flip = !flip;
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(remapVideoPacketExtensionIds);

// What a subscriber's browser sends while video is lossy: RR with one block, a NACK, a PLI.
constexpr std::array<std::uint8_t, 60> kRrNackPli{
    0x81, 201,  0x00, 0x07, 0x00, 0x00, 0x00, 0x01,                          // RR, 1 block
    0x11, 0x22, 0x33, 0x44, 0x05, 0x00, 0x00, 0x10, 0x00, 0x00, 0x12, 0x34,  //
    0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //
    0x81, 205,  0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44,  // NACK
    0x12, 0x30, 0x00, 0x05,                                                  //
    0x81, 206,  0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44,  // PLI
};

void parseRtcpRrNackPli(benchmark::State& state) {
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
    const auto compound = RtcpCompoundView::parse(kRrNackPli);
    std::uint32_t sum = 0;
    for (const RtcpHeader& header : *compound) {
      if (const auto rr = RtcpReceiverReport::parse(header)) {
        sum += rr->reportBlock(0).extendedHighestSequence;
      } else if (const auto nack = RtcpNack::parse(header)) {
        sum += nack->item(0).packetId;
      } else if (const auto pli = RtcpPli::parse(header)) {
        sum += pli->mediaSsrc();
      }
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(parseRtcpRrNackPli);

}  // namespace
