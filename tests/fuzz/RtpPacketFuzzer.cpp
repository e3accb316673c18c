// RtpPacketView on arbitrary bytes: a parse never reads past the end (ASan checks the reads),
// and on a packet it accepts, the accessors agree with one another, the rewrites touch only
// their own bytes and read back, and an id remap keeps the packet parseable with the same
// values under the new ids.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "media/wire/RtpPacketView.h"

namespace {

using chorus::media::RtpExtensionFormat;
using chorus::media::RtpPacketView;

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

struct Element {
  std::uint8_t id;
  std::size_t offset;
  std::vector<std::uint8_t> value;
};

std::vector<Element> elementsOf(const RtpPacketView& view) {
  std::vector<Element> elements;
  for (auto cursor = view.extensions(); auto extension = cursor.next();) {
    const auto offset = static_cast<std::size_t>(extension->value.data() - view.bytes().data());
    check(offset >= RtpPacketView::kFixedHeaderSize);
    check(offset + extension->value.size() <= view.headerSize());
    elements.push_back({extension->id, offset, {extension->value.begin(), extension->value.end()}});
  }
  return elements;
}

void checkAccessors(const RtpPacketView& view, std::size_t size) {
  check(view.headerSize() + view.payload().size() + view.paddingSize() == size);
  check(view.headerSize() >= RtpPacketView::kFixedHeaderSize + 4 * view.csrcCount());
  check(view.payloadType() < 128);
  for (std::size_t i = 0; i < view.csrcCount(); ++i) {
    static_cast<void>(view.csrc(i));
  }
  const auto elements = elementsOf(view);
  const auto format = view.extensionFormat();
  check(elements.empty() || format == RtpExtensionFormat::kOneByte ||
        format == RtpExtensionFormat::kTwoByte);
  for (const Element& element : elements) {
    check(element.id != 0);
    check(format != RtpExtensionFormat::kOneByte || element.id <= 14);
  }
  // findExtension agrees with the first element of each id.
  for (std::size_t id = 0; id < 256; ++id) {
    const auto found = view.findExtension(static_cast<std::uint8_t>(id));
    const Element* first = nullptr;
    for (const Element& element : elements) {
      if (element.id == id) {
        first = &element;
        break;
      }
    }
    check(found.has_value() == (first != nullptr));
    if (found) {
      check(std::vector<std::uint8_t>(found->value.begin(), found->value.end()) == first->value);
    }
  }
}

void checkRewrites(std::vector<std::uint8_t> packet) {
  const std::vector<std::uint8_t> before = packet;
  auto view = RtpPacketView::parse(packet);
  check(view.has_value());
  const std::uint32_t ssrc = ~view->ssrc();
  const auto sequenceNumber = static_cast<std::uint16_t>(view->sequenceNumber() + 1);
  const std::uint32_t timestamp = view->timestamp() ^ 0x5a5a5a5aU;
  const auto payloadType = static_cast<std::uint8_t>((view->payloadType() + 1) & 0x7f);
  const bool marker = !view->marker();
  view->setSsrc(ssrc);
  view->setSequenceNumber(sequenceNumber);
  view->setTimestamp(timestamp);
  view->setPayloadType(payloadType);
  view->setMarker(marker);
  check(packet[0] == before[0]);
  for (std::size_t i = RtpPacketView::kFixedHeaderSize; i < packet.size(); ++i) {
    check(packet[i] == before[i]);
  }
  const auto reparsed = RtpPacketView::parse(packet);
  check(reparsed.has_value());
  check(reparsed->ssrc() == ssrc && reparsed->sequenceNumber() == sequenceNumber &&
        reparsed->timestamp() == timestamp && reparsed->payloadType() == payloadType &&
        reparsed->marker() == marker);
  check(reparsed->headerSize() == view->headerSize());
}

void checkRemap(std::vector<std::uint8_t> packet, std::uint8_t seed) {
  auto view = RtpPacketView::parse(packet);
  check(view.has_value());
  const auto elements = elementsOf(*view);
  // A map that moves ids around and drops some (to 0 or, in the one-byte form, past 14).
  std::array<std::uint8_t, 256> map{};
  for (std::size_t id = 0; id < map.size(); ++id) {
    map[id] = static_cast<std::uint8_t>((id * 37 + seed) % 19);
  }
  const bool oneByte = view->extensionFormat() == RtpExtensionFormat::kOneByte;
  const auto kept = [&](std::uint8_t id) { return map[id] != 0 && (!oneByte || map[id] <= 14); };
  std::size_t expectedErased = 0;
  for (const Element& element : elements) {
    expectedErased += kept(element.id) ? 0 : 1;
  }
  const std::vector<std::uint8_t> before = packet;
  check(view->remapExtensionIds(map) == expectedErased);
  const auto reparsed = RtpPacketView::parse(packet);
  check(reparsed.has_value());
  check(reparsed->headerSize() == view->headerSize());
  const auto after = elementsOf(*reparsed);
  std::size_t next = 0;
  for (const Element& element : elements) {
    if (!kept(element.id)) {
      continue;
    }
    check(next < after.size());
    check(after[next].id == map[element.id]);
    check(after[next].offset == element.offset);
    check(after[next].value == element.value);
    ++next;
  }
  check(next == after.size());
  // The fixed header, CSRCs, payload and padding are untouched.
  for (std::size_t i = 0; i < RtpPacketView::kFixedHeaderSize + 4 * view->csrcCount(); ++i) {
    check(packet[i] == before[i]);
  }
  for (std::size_t i = view->headerSize(); i < packet.size(); ++i) {
    check(packet[i] == before[i]);
  }
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::uint8_t> packet(data, data + size);
  const auto view = RtpPacketView::parse(packet);
  if (!view) {
    return 0;
  }
  checkAccessors(*view, size);
  checkRewrites(packet);
  checkRemap(packet, size > 0 ? data[size - 1] : 0);
  return 0;
}
