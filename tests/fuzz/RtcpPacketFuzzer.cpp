// RTCP on arbitrary bytes: the compound parse and every typed parse stay inside the datagram
// (ASan checks the reads), and every packet a typed parser accepts is rebuilt by its builder
// into bytes that parse back to the same values.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "media/wire/RtcpApp.h"
#include "media/wire/RtcpBye.h"
#include "media/wire/RtcpCompoundView.h"
#include "media/wire/RtcpCompoundWriter.h"
#include "media/wire/RtcpFir.h"
#include "media/wire/RtcpNack.h"
#include "media/wire/RtcpPli.h"
#include "media/wire/RtcpReceiverReport.h"
#include "media/wire/RtcpRemb.h"
#include "media/wire/RtcpSdes.h"
#include "media/wire/RtcpSenderReport.h"
#include "media/wire/RtcpTransportFeedback.h"

namespace {

using namespace chorus::media;  // NOLINT(google-build-using-namespace): a test driver

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

using Buffer = std::vector<std::uint8_t>;

// The one packet a builder wrote, after checking it is a datagram of its own.
RtcpHeader rebuilt(Buffer& buffer, std::optional<std::size_t> size) {
  check(size.has_value());
  buffer.resize(*size);
  const auto compound = RtcpCompoundView::parse(buffer);
  check(compound.has_value() && compound->packetCount() == 1);
  return *compound->begin();
}

void roundTripSenderReport(const RtcpSenderReport& report) {
  std::vector<RtcpReportBlock> blocks;
  for (std::size_t i = 0; i < report.reportBlockCount(); ++i) {
    blocks.push_back(report.reportBlock(i));
  }
  Buffer buffer(2048);
  const auto again = RtcpSenderReport::parse(
      rebuilt(buffer, RtcpSenderReport::build(buffer, report.senderInfo(), blocks)));
  check(again && again->senderInfo() == report.senderInfo() &&
        again->reportBlockCount() == blocks.size());
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    check(again->reportBlock(i) == blocks[i]);
  }
}

void roundTripReceiverReport(const RtcpReceiverReport& report) {
  std::vector<RtcpReportBlock> blocks;
  for (std::size_t i = 0; i < report.reportBlockCount(); ++i) {
    blocks.push_back(report.reportBlock(i));
  }
  Buffer buffer(2048);
  const auto again = RtcpReceiverReport::parse(
      rebuilt(buffer, RtcpReceiverReport::build(buffer, report.senderSsrc(), blocks)));
  check(again && again->senderSsrc() == report.senderSsrc() &&
        again->reportBlockCount() == blocks.size());
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    check(again->reportBlock(i) == blocks[i]);
  }
}

void roundTripSdes(const RtcpSdes& sdes) {
  std::size_t chunks = 0;
  for (auto cursor = sdes.chunks(); auto chunk = cursor.next();) {
    ++chunks;
    Buffer buffer(2048);
    const auto again =
        RtcpSdes::parse(rebuilt(buffer, RtcpSdes::buildCname(buffer, chunk->ssrc, chunk->cname)));
    check(again.has_value());
    auto cursorAgain = again->chunks();
    const auto chunkAgain = cursorAgain.next();
    check(chunkAgain && chunkAgain->ssrc == chunk->ssrc && chunkAgain->cname == chunk->cname);
  }
  check(chunks == sdes.chunkCount());
}

void roundTripBye(const RtcpBye& bye) {
  std::vector<std::uint32_t> ssrcs;
  for (std::size_t i = 0; i < bye.ssrcCount(); ++i) {
    ssrcs.push_back(bye.ssrc(i));
  }
  Buffer buffer(2048);
  const auto again = RtcpBye::parse(rebuilt(buffer, RtcpBye::build(buffer, ssrcs, bye.reason())));
  check(again && again->ssrcCount() == ssrcs.size() && again->reason() == bye.reason());
  for (std::size_t i = 0; i < ssrcs.size(); ++i) {
    check(again->ssrc(i) == ssrcs[i]);
  }
}

void roundTripApp(const RtcpApp& app) {
  if (app.data().size() % 4 != 0) {
    return;  // only padding can make it so; the builder takes whole words
  }
  Buffer buffer(app.data().size() + 64);
  const auto again = RtcpApp::parse(
      rebuilt(buffer, RtcpApp::build(buffer, app.subtype(), app.ssrc(), app.name(), app.data())));
  check(again && again->subtype() == app.subtype() && again->ssrc() == app.ssrc() &&
        again->name() == app.name() &&
        Buffer(again->data().begin(), again->data().end()) ==
            Buffer(app.data().begin(), app.data().end()));
}

void roundTripNack(const RtcpNack& nack) {
  std::vector<RtcpNackItem> items;
  std::vector<std::uint16_t> lost;
  for (std::size_t i = 0; i < nack.itemCount(); ++i) {
    const RtcpNackItem item = nack.item(i);
    items.push_back(item);
    lost.push_back(item.packetId);
    for (unsigned bit = 0; bit < 16; ++bit) {
      if ((item.lostBitmask >> bit & 1U) != 0) {
        lost.push_back(static_cast<std::uint16_t>(item.packetId + bit + 1));
      }
    }
  }
  Buffer buffer(items.size() * 4 + 64);
  const auto again = RtcpNack::parse(
      rebuilt(buffer, RtcpNack::build(buffer, nack.senderSsrc(), nack.mediaSsrc(), items)));
  check(again && again->itemCount() == items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    check(again->item(i) == items[i]);
  }
  // Packing the lost sequence numbers anew reports exactly the same set.
  Buffer packed(lost.size() * 4 + 64);
  const auto repacked = RtcpNack::parse(
      rebuilt(packed, RtcpNack::buildFromLost(packed, nack.senderSsrc(), nack.mediaSsrc(), lost)));
  check(repacked.has_value() && repacked->itemCount() <= lost.size());
  std::vector<bool> inOriginal(65536, false);
  std::vector<bool> inRepacked(65536, false);
  for (const std::uint16_t seq : lost) {
    inOriginal[seq] = true;
  }
  for (std::size_t i = 0; i < repacked->itemCount(); ++i) {
    const RtcpNackItem item = repacked->item(i);
    inRepacked[item.packetId] = true;
    for (unsigned bit = 0; bit < 16; ++bit) {
      if ((item.lostBitmask >> bit & 1U) != 0) {
        inRepacked[static_cast<std::uint16_t>(item.packetId + bit + 1)] = true;
      }
    }
  }
  check(inOriginal == inRepacked);
}

void roundTripPli(const RtcpPli& pli) {
  Buffer buffer(64);
  const auto again =
      RtcpPli::parse(rebuilt(buffer, RtcpPli::build(buffer, pli.senderSsrc(), pli.mediaSsrc())));
  check(again && again->senderSsrc() == pli.senderSsrc() && again->mediaSsrc() == pli.mediaSsrc());
}

void roundTripFir(const RtcpFir& fir) {
  std::vector<RtcpFirEntry> entries;
  for (std::size_t i = 0; i < fir.entryCount(); ++i) {
    entries.push_back(fir.entry(i));
  }
  Buffer buffer(entries.size() * 8 + 64);
  const auto again =
      RtcpFir::parse(rebuilt(buffer, RtcpFir::build(buffer, fir.senderSsrc(), entries)));
  check(again && again->senderSsrc() == fir.senderSsrc() && again->entryCount() == entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    check(again->entry(i) == entries[i]);
  }
}

void roundTripRemb(const RtcpRemb& remb) {
  std::vector<std::uint32_t> ssrcs;
  for (std::size_t i = 0; i < remb.ssrcCount(); ++i) {
    ssrcs.push_back(remb.ssrc(i));
  }
  Buffer buffer(ssrcs.size() * 4 + 64);
  const auto again = RtcpRemb::parse(
      rebuilt(buffer, RtcpRemb::build(buffer, remb.senderSsrc(), remb.bitrateBps(), ssrcs)));
  // Any mantissa * 2^exp is exactly representable with the smallest exponent, so the bitrate
  // survives the re-encoding unchanged.
  check(again && again->bitrateBps() == remb.bitrateBps() && again->ssrcCount() == ssrcs.size());
  for (std::size_t i = 0; i < ssrcs.size(); ++i) {
    check(again->ssrc(i) == ssrcs[i]);
  }
}

void roundTripTransportFeedback(const RtcpTransportFeedback& feedback) {
  using Feedback = RtcpTransportFeedback;
  std::vector<Feedback::PacketStatus> statuses;
  std::vector<Feedback::PacketArrival> arrivals;
  auto time = Feedback::kReferenceTimeTick * feedback.referenceTime();
  for (auto cursor = feedback.statuses(); auto status = cursor.next();) {
    statuses.push_back(*status);
    if (status->status == Feedback::Status::kNotReceived) {
      check(status->receiveDelta.count() == 0);
      arrivals.push_back({status->sequenceNumber, std::nullopt});
    } else {
      time += status->receiveDelta;
      arrivals.push_back({status->sequenceNumber, time});
    }
  }
  check(statuses.size() == feedback.packetStatusCount());
  check(statuses.front().sequenceNumber == feedback.baseSequenceNumber());
  const Feedback::FeedbackInfo info{.senderSsrc = feedback.senderSsrc(),
                                    .mediaSsrc = feedback.mediaSsrc(),
                                    .referenceTime = feedback.referenceTime(),
                                    .feedbackPacketCount = feedback.feedbackPacketCount()};
  Buffer buffer(kRtcpMaxPacketSize);
  const auto again = Feedback::parse(rebuilt(buffer, Feedback::build(buffer, info, arrivals)));
  check(again && again->senderSsrc() == info.senderSsrc && again->mediaSsrc() == info.mediaSsrc &&
        again->referenceTime() == info.referenceTime &&
        again->feedbackPacketCount() == info.feedbackPacketCount &&
        again->packetStatusCount() == statuses.size());
  std::size_t index = 0;
  for (auto cursor = again->statuses(); auto status = cursor.next(); ++index) {
    const auto& original = statuses[index];
    check(status->sequenceNumber == original.sequenceNumber);
    check((status->status == Feedback::Status::kNotReceived) ==
          (original.status == Feedback::Status::kNotReceived));
    check(status->receiveDelta == original.receiveDelta);
  }
  check(index == statuses.size());
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> datagram(data, size);
  const auto compound = RtcpCompoundView::parse(datagram);
  if (!compound) {
    return 0;
  }
  std::size_t total = 0;
  std::size_t packets = 0;
  for (const RtcpHeader& header : *compound) {
    check(header.packet.data() == data + total);
    check(header.packet.size() == std::size_t{4} * (header.length + 1U));
    check(header.body.data() == header.packet.data() + kRtcpHeaderSize);
    check(header.body.size() + kRtcpHeaderSize <= header.packet.size());
    total += header.packet.size();
    ++packets;

    std::size_t parsedAs = 0;
    if (const auto sr = RtcpSenderReport::parse(header)) {
      ++parsedAs;
      roundTripSenderReport(*sr);
    }
    if (const auto rr = RtcpReceiverReport::parse(header)) {
      ++parsedAs;
      roundTripReceiverReport(*rr);
    }
    if (const auto sdes = RtcpSdes::parse(header)) {
      ++parsedAs;
      roundTripSdes(*sdes);
    }
    if (const auto bye = RtcpBye::parse(header)) {
      ++parsedAs;
      roundTripBye(*bye);
    }
    if (const auto app = RtcpApp::parse(header)) {
      ++parsedAs;
      roundTripApp(*app);
    }
    if (const auto nack = RtcpNack::parse(header)) {
      ++parsedAs;
      roundTripNack(*nack);
    }
    if (const auto pli = RtcpPli::parse(header)) {
      ++parsedAs;
      roundTripPli(*pli);
    }
    if (const auto fir = RtcpFir::parse(header)) {
      ++parsedAs;
      roundTripFir(*fir);
    }
    if (const auto remb = RtcpRemb::parse(header)) {
      ++parsedAs;
      roundTripRemb(*remb);
    }
    if (const auto feedback = RtcpTransportFeedback::parse(header)) {
      ++parsedAs;
      roundTripTransportFeedback(*feedback);
    }
    check(parsedAs <= 1);
  }
  check(total == size && packets == compound->packetCount());

  // The packets re-concatenated with the writer are the same datagram.
  Buffer copy(size);
  RtcpCompoundWriter writer(copy);
  for (const RtcpHeader& header : *compound) {
    std::copy(header.packet.begin(), header.packet.end(), writer.remaining().begin());
    check(writer.append(header.packet.size()));
  }
  check(Buffer(writer.datagram().begin(), writer.datagram().end()) == Buffer(data, data + size));
  return 0;
}
