// Any datagram parses or is rejected with a reason, without reading past its end (ASan checks
// the reads). What parses keeps its promises: every accessor is safe and points inside the
// datagram, no strict prefix of it parses, checking MESSAGE-INTEGRITY and FINGERPRINT is safe,
// and the fields ICE reads survive a round trip through StunMessageBuilder.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "media/wire/StunMessage.h"
#include "media/wire/StunMessageBuilder.h"

namespace {

using chorus::media::IceRole;
using chorus::media::StunBindingRequestFields;
using chorus::media::StunIntegrityKey;
using chorus::media::StunMessage;
using chorus::media::StunMessageBuilder;
using chorus::media::StunRejectReason;

// RFC 5769 §2's password, so the seeds' MESSAGE-INTEGRITY verifies and mutations explore past it.
constexpr std::string_view kPassword = "VOkJxbRl1RmTxUk/WvJxBt";

void require(bool condition) {
  if (!condition) {
    std::abort();
  }
}

void requireInside(std::span<const std::uint8_t> bytes, std::string_view text) {
  const auto* begin = reinterpret_cast<const std::uint8_t*>(text.data());
  require(begin >= bytes.data() && begin + text.size() <= bytes.data() + bytes.size());
}

void checkRequestRoundTrip(const StunMessage& message, const StunIntegrityKey& key) {
  StunBindingRequestFields fields;
  std::copy(message.transactionId().begin(), message.transactionId().end(),
            fields.transactionId.begin());
  fields.username = message.username().value_or("");
  fields.software = message.software().value_or("");
  fields.priority = message.priority().value_or(0);
  fields.role = message.iceControlled() ? IceRole::kControlled : IceRole::kControlling;
  fields.tieBreaker = message.iceControlled().value_or(message.iceControlling().value_or(0));
  fields.useCandidate = message.useCandidate();
  std::array<std::uint8_t, 2048> buffer{};
  const auto size = StunMessageBuilder::bindingRequest(buffer, fields, key);
  if (!size) {
    require(fields.username.size() + fields.software.size() > 1900);
    return;
  }
  const auto rebuilt = StunMessage::parse(std::span(buffer).first(*size));
  require(rebuilt.message.has_value());
  const StunMessage& again = *rebuilt.message;
  require(again.isBindingRequest());
  require(std::equal(again.transactionId().begin(), again.transactionId().end(),
                     fields.transactionId.begin()));
  require(again.username() == fields.username);
  require(again.software().value_or("") == fields.software);
  require(again.priority() == fields.priority);
  require(again.useCandidate() == fields.useCandidate);
  require((fields.role == IceRole::kControlled ? again.iceControlled() : again.iceControlling()) ==
          fields.tieBreaker);
  require(!again.hasUnknownRequiredAttributes());
  require(again.verifyIntegrity(key) && again.verifyFingerprint());
}

void checkResponseRoundTrip(const StunMessage& message, const StunIntegrityKey& key) {
  const auto mapped = message.xorMappedAddress();
  if (!mapped) {
    return;
  }
  std::array<std::uint8_t, 128> buffer{};
  const auto size =
      StunMessageBuilder::bindingSuccessResponse(buffer, message.transactionId(), *mapped, key);
  require(size.has_value());
  const auto rebuilt = StunMessage::parse(std::span(buffer).first(*size));
  require(rebuilt.message.has_value());
  require(rebuilt.message->xorMappedAddress() == mapped);
  require(rebuilt.message->verifyIntegrity(key) && rebuilt.message->verifyFingerprint());
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const auto result = StunMessage::parse(bytes);
  require(result.message.has_value() == (result.reason == StunRejectReason::kNone));
  if (!result.message) {
    return 0;
  }
  const StunMessage& message = *result.message;
  require(message.bytes().data() == data && message.bytes().size() == size);
  require(std::equal(message.transactionId().begin(), message.transactionId().end(), data + 8));
  static_cast<void>(message.messageClass());
  static_cast<void>(message.method());
  if (const auto username = message.username()) {
    requireInside(bytes, *username);
  }
  if (const auto software = message.software()) {
    requireInside(bytes, *software);
  }
  if (const auto error = message.errorCode()) {
    require(error->code >= 300 && error->code <= 699);
    requireInside(bytes, error->reason);
  }
  const auto listed = message.unknownAttributes();
  for (std::size_t i = 0; i < listed.size(); ++i) {
    static_cast<void>(listed[i]);
  }
  for (const std::uint16_t type : message.unknownRequiredAttributes()) {
    require(type < 0x8000);
  }
  if (const auto offset = message.messageIntegrityOffset()) {
    require(*offset + 24 <= size);
  }
  // A STUN message's length is in its header: no strict prefix of it is also a message.
  if (size >= 24) {
    require(!StunMessage::parse(bytes.first(size - 4)).message.has_value());
  }

  const StunIntegrityKey key(kPassword);
  const bool integrity = message.verifyIntegrity(key);
  require(integrity ==
          message.verifyIntegrity(std::span(reinterpret_cast<const std::uint8_t*>(kPassword.data()),
                                            kPassword.size())));
  require(!integrity || message.hasMessageIntegrity());
  require(!message.verifyFingerprint() || message.hasFingerprint());

  checkRequestRoundTrip(message, key);
  checkResponseRoundTrip(message, key);
  return 0;
}
