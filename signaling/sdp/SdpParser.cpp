#include "signaling/sdp/SdpParser.h"

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "signaling/sdp/SdpNames.h"

namespace chorus::signaling {
namespace {

using Reason = SdpErrorReason;

// One "a=" line: the name, and the value when there is a ':' (RFC 8866 §5.13).
struct AttributeLine {
  std::string_view name;
  std::optional<std::string_view> value;
};

template <typename Number>
std::optional<Number> parseNumber(std::string_view text,
                                  Number max = std::numeric_limits<Number>::max()) {
  if (text.empty() || text.front() < '0' || text.front() > '9') {
    return std::nullopt;
  }
  Number number{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc{} || end != text.data() + text.size() || number > max) {
    return std::nullopt;
  }
  return number;
}

std::optional<std::uint8_t> parsePayloadType(std::string_view text) {
  // RFC 3551 §3: the payload type is 7 bits.
  return parseNumber<std::uint8_t>(text, 127);
}

// Space-separated tokens, none empty (so no doubled, leading or trailing spaces).
std::optional<std::vector<std::string_view>> splitTokens(std::string_view text) {
  std::vector<std::string_view> tokens;
  while (true) {
    const auto space = text.find(' ');
    const auto token = text.substr(0, space);
    if (token.empty()) {
      return std::nullopt;
    }
    tokens.push_back(token);
    if (space == std::string_view::npos) {
      return tokens;
    }
    text.remove_prefix(space + 1);
  }
}

// Text up to the first occurrence of separator, and the rest after it if there is one.
std::pair<std::string_view, std::optional<std::string_view>> splitOnce(std::string_view text,
                                                                       char separator) {
  const auto at = text.find(separator);
  if (at == std::string_view::npos) {
    return {text, std::nullopt};
  }
  return {text.substr(0, at), text.substr(at + 1)};
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// "k1=v1;k2;k3=v3" as in a=fmtp (RFC 8866 §6.15) and a=rid restrictions (RFC 8851 §4).
// Spaces around parameters are dropped, empty parameters skipped, a repeated key keeps its
// first value. Fails only on a parameter with an empty key.
std::optional<std::map<std::string, std::string>> parseParameters(std::string_view text) {
  std::map<std::string, std::string> parameters;
  while (true) {
    const auto [parameter, rest] = splitOnce(text, ';');
    if (!trim(parameter).empty()) {
      const auto [key, value] = splitOnce(parameter, '=');
      if (trim(key).empty()) {
        return std::nullopt;
      }
      parameters.emplace(std::string(trim(key)), std::string(trim(value.value_or(""))));
    }
    if (!rest) {
      return parameters;
    }
    text = *rest;
  }
}

std::optional<SimulcastStreams> parseSimulcastStreams(std::string_view text) {
  SimulcastStreams streams;
  while (true) {
    const auto [stream, moreStreams] = splitOnce(text, ';');
    std::vector<SimulcastRid> alternatives;
    std::string_view rest = stream;
    while (true) {
      const auto [alternative, moreAlternatives] = splitOnce(rest, ',');
      const bool paused = !alternative.empty() && alternative.front() == '~';
      const auto rid = paused ? alternative.substr(1) : alternative;
      if (rid.empty() || rid.front() == '~') {
        return std::nullopt;
      }
      alternatives.push_back({std::string(rid), paused});
      if (!moreAlternatives) {
        break;
      }
      rest = *moreAlternatives;
    }
    streams.push_back(std::move(alternatives));
    if (!moreStreams) {
      return streams;
    }
    text = *moreStreams;
  }
}

// RFC 8853 §5.1: "send <streams>", "recv <streams>", or both in either order.
std::optional<Simulcast> parseSimulcast(std::string_view value) {
  const auto tokens = splitTokens(value);
  if (!tokens || (tokens->size() != 2 && tokens->size() != 4)) {
    return std::nullopt;
  }
  Simulcast simulcast;
  bool sawSend = false;
  bool sawRecv = false;
  for (std::size_t i = 0; i < tokens->size(); i += 2) {
    const auto direction = (*tokens)[i];
    auto streams = parseSimulcastStreams((*tokens)[i + 1]);
    if (!streams) {
      return std::nullopt;
    }
    if (direction == "send" && !sawSend) {
      sawSend = true;
      simulcast.send = std::move(*streams);
    } else if (direction == "recv" && !sawRecv) {
      sawRecv = true;
      simulcast.recv = std::move(*streams);
    } else {
      return std::nullopt;
    }
  }
  return simulcast;
}

std::optional<RtpMap> parseRtpMap(std::string_view value) {
  const auto tokens = splitTokens(value);
  if (!tokens || tokens->size() != 2) {
    return std::nullopt;
  }
  const auto payloadType = parsePayloadType((*tokens)[0]);
  const auto [name, rateAndChannels] = splitOnce((*tokens)[1], '/');
  if (!payloadType || name.empty() || !rateAndChannels) {
    return std::nullopt;
  }
  const auto [rate, channels] = splitOnce(*rateAndChannels, '/');
  const auto clockRate = parseNumber<std::uint32_t>(rate);
  if (!clockRate) {
    return std::nullopt;
  }
  RtpMap map{*payloadType, std::string(name), *clockRate, std::nullopt};
  if (channels) {
    map.channels = parseNumber<std::uint32_t>(*channels);
    if (!map.channels) {
      return std::nullopt;
    }
  }
  return map;
}

std::optional<Fmtp> parseFmtp(std::string_view value) {
  const auto [type, parameterText] = splitOnce(value, ' ');
  const auto payloadType = parsePayloadType(type);
  auto parameters = parseParameters(parameterText.value_or(""));
  if (!payloadType || !parameters) {
    return std::nullopt;
  }
  return Fmtp{*payloadType, std::move(*parameters)};
}

std::optional<RtcpFeedback> parseRtcpFeedback(std::string_view value) {
  const auto [type, rest] = splitOnce(value, ' ');
  if (!rest) {
    return std::nullopt;
  }
  RtcpFeedback feedback;
  if (type != "*") {
    feedback.payloadType = parsePayloadType(type);
    if (!feedback.payloadType) {
      return std::nullopt;
    }
  }
  const auto [kind, parameter] = splitOnce(*rest, ' ');
  if (kind.empty()) {
    return std::nullopt;
  }
  feedback.type = kind;
  if (parameter) {
    feedback.parameter = std::string(*parameter);
  }
  return feedback;
}

std::optional<ExtMap> parseExtMap(std::string_view value) {
  const auto [idAndDirection, rest] = splitOnce(value, ' ');
  if (!rest) {
    return std::nullopt;
  }
  const auto [idText, directionText] = splitOnce(idAndDirection, '/');
  const auto id = parseNumber<std::uint8_t>(idText);
  const auto [uri, attributes] = splitOnce(*rest, ' ');
  if (!id || *id == 0 || uri.empty()) {
    return std::nullopt;
  }
  ExtMap extmap{*id, std::nullopt, std::string(uri), std::nullopt};
  if (directionText) {
    extmap.direction = directionFromName(*directionText);
    if (!extmap.direction) {
      return std::nullopt;
    }
  }
  if (attributes) {
    extmap.attributes = std::string(*attributes);
  }
  return extmap;
}

std::optional<Msid> parseMsid(std::string_view value) {
  const auto [stream, track] = splitOnce(value, ' ');
  if (stream.empty()) {
    return std::nullopt;
  }
  Msid msid{std::string(stream), std::nullopt};
  if (track) {
    msid.trackId = std::string(*track);
  }
  return msid;
}

std::optional<SsrcAttribute> parseSsrc(std::string_view value) {
  const auto [ssrcText, rest] = splitOnce(value, ' ');
  const auto ssrc = parseNumber<std::uint32_t>(ssrcText);
  if (!ssrc || !rest) {
    return std::nullopt;
  }
  const auto [attribute, attributeValue] = splitOnce(*rest, ':');
  if (attribute.empty()) {
    return std::nullopt;
  }
  SsrcAttribute line{*ssrc, std::string(attribute), std::nullopt};
  if (attributeValue) {
    line.value = std::string(*attributeValue);
  }
  return line;
}

std::optional<SsrcGroup> parseSsrcGroup(std::string_view value) {
  const auto tokens = splitTokens(value);
  if (!tokens || tokens->size() < 2) {
    return std::nullopt;
  }
  SsrcGroup group{std::string((*tokens)[0]), {}};
  for (std::size_t i = 1; i < tokens->size(); ++i) {
    const auto ssrc = parseNumber<std::uint32_t>((*tokens)[i]);
    if (!ssrc) {
      return std::nullopt;
    }
    group.ssrcs.push_back(*ssrc);
  }
  return group;
}

std::optional<Rid> parseRid(std::string_view value) {
  const auto [id, rest] = splitOnce(value, ' ');
  if (id.empty() || !rest) {
    return std::nullopt;
  }
  const auto [directionText, restrictionText] = splitOnce(*rest, ' ');
  Rid rid;
  rid.id = id;
  if (directionText == "send") {
    rid.direction = Rid::Direction::kSend;
  } else if (directionText == "recv") {
    rid.direction = Rid::Direction::kRecv;
  } else {
    return std::nullopt;
  }
  auto restrictions = parseParameters(restrictionText.value_or(""));
  if (!restrictions) {
    return std::nullopt;
  }
  rid.restrictions = std::move(*restrictions);
  return rid;
}

std::optional<SdpGroup> parseGroup(std::string_view value) {
  const auto [semantics, mids] = splitOnce(value, ' ');
  if (semantics.empty()) {
    return std::nullopt;
  }
  SdpGroup group{std::string(semantics), {}};
  if (mids) {
    const auto tokens = splitTokens(*mids);
    if (!tokens) {
      return std::nullopt;
    }
    group.mids.assign(tokens->begin(), tokens->end());
  }
  return group;
}

std::optional<SdpOrigin> parseOrigin(std::string_view value) {
  const auto tokens = splitTokens(value);
  if (!tokens || tokens->size() != 6) {
    return std::nullopt;
  }
  const auto& t = *tokens;
  return SdpOrigin{std::string(t[0]), std::string(t[1]), std::string(t[2]),
                   std::string(t[3]), std::string(t[4]), std::string(t[5])};
}

std::optional<MediaDescription> parseMediaLine(std::string_view value) {
  const auto tokens = splitTokens(value);
  if (!tokens || tokens->size() < 4) {
    return std::nullopt;
  }
  const auto& t = *tokens;
  MediaDescription media;
  media.media = t[0];
  const auto [portText, countText] = splitOnce(t[1], '/');
  const auto port = parseNumber<std::uint16_t>(portText);
  if (!port) {
    return std::nullopt;
  }
  media.port = *port;
  if (countText) {
    media.portCount = parseNumber<std::uint16_t>(*countText);
    if (!media.portCount) {
      return std::nullopt;
    }
  }
  media.protocol = t[2];
  media.formats.assign(t.begin() + 3, t.end());
  if (media.isRtp()) {
    for (const auto& format : media.formats) {
      if (!parsePayloadType(format)) {
        return std::nullopt;
      }
    }
  }
  return media;
}

// Sets a single-valued attribute; a second occurrence in the same section is an error.
template <typename Value>
Reason setOnce(std::optional<Value>& target, std::optional<Value> parsed, Reason malformed) {
  if (!parsed) {
    return malformed;
  }
  if (target) {
    return Reason::kDuplicateAttribute;
  }
  target = std::move(parsed);
  return Reason::kNone;
}

template <typename Value>
Reason append(std::vector<Value>& target, std::optional<Value> parsed, Reason malformed) {
  if (!parsed) {
    return malformed;
  }
  target.push_back(std::move(*parsed));
  return Reason::kNone;
}

std::optional<std::string> nonEmpty(std::optional<std::string_view> value) {
  if (!value || value->empty()) {
    return std::nullopt;
  }
  return std::string(*value);
}

// A flag attribute ("a=rtcp-mux") carries no value; repeating it changes nothing.
Reason setFlag(bool& target, const AttributeLine& line) {
  if (line.value) {
    return Reason::kBadAttribute;
  }
  target = true;
  return Reason::kNone;
}

// The attributes allowed both at session level and in an m-section. Nothing when the name is
// not one of them.
std::optional<Reason> parseCommonAttribute(const AttributeLine& line,
                                           TransportAttributes& transport,
                                           std::optional<SdpDirection>& direction,
                                           bool& extmapAllowMixed) {
  const auto name = line.name;
  if (const auto parsedDirection = directionFromName(name)) {
    if (line.value) {
      return Reason::kBadAttribute;
    }
    return setOnce(direction, parsedDirection, Reason::kBadAttribute);
  }
  if (name == "ice-ufrag") {
    return setOnce(transport.iceUfrag, nonEmpty(line.value), Reason::kBadIceAttribute);
  }
  if (name == "ice-pwd") {
    return setOnce(transport.icePwd, nonEmpty(line.value), Reason::kBadIceAttribute);
  }
  if (name == "ice-options") {
    const auto tokens = splitTokens(line.value.value_or(""));
    if (!tokens) {
      return Reason::kBadIceAttribute;
    }
    transport.iceOptions.insert(transport.iceOptions.end(), tokens->begin(), tokens->end());
    return Reason::kNone;
  }
  if (name == "fingerprint") {
    return append(transport.fingerprints, media::DtlsFingerprint::parse(line.value.value_or("")),
                  Reason::kBadFingerprint);
  }
  if (name == "setup") {
    return setOnce(transport.setup, setupFromName(line.value.value_or("")), Reason::kBadSetup);
  }
  if (name == "extmap-allow-mixed") {
    return setFlag(extmapAllowMixed, line);
  }
  return std::nullopt;
}

Reason parseSessionAttribute(const AttributeLine& line, SessionDescription& session) {
  if (const auto common = parseCommonAttribute(line, session.transport, session.direction,
                                               session.extmapAllowMixed)) {
    return *common;
  }
  const auto name = line.name;
  if (name == "group") {
    return append(session.groups, parseGroup(line.value.value_or("")), Reason::kBadGroup);
  }
  if (name == "ice-lite") {
    return setFlag(session.iceLite, line);
  }
  if (name == "msid-semantic") {
    return setOnce(session.msidSemantic, nonEmpty(line.value), Reason::kBadAttribute);
  }
  session.otherAttributes.push_back(
      {std::string(name), line.value ? std::optional<std::string>(*line.value) : std::nullopt});
  return Reason::kNone;
}

Reason parseMediaAttribute(const AttributeLine& line, MediaDescription& media) {
  if (const auto common =
          parseCommonAttribute(line, media.transport, media.direction, media.extmapAllowMixed)) {
    return *common;
  }
  const auto name = line.name;
  const auto value = line.value.value_or("");
  if (name == "mid") {
    const bool valid = !value.empty() && value.find(' ') == std::string_view::npos;
    return setOnce(media.mid, valid ? std::optional<std::string>(value) : std::nullopt,
                   Reason::kBadMid);
  }
  if (name == "rtcp-mux") {
    return setFlag(media.rtcpMux, line);
  }
  if (name == "rtcp-mux-only") {
    return setFlag(media.rtcpMuxOnly, line);
  }
  if (name == "rtcp-rsize") {
    return setFlag(media.rtcpRsize, line);
  }
  if (name == "end-of-candidates") {
    return setFlag(media.endOfCandidates, line);
  }
  if (name == "bundle-only") {
    return setFlag(media.bundleOnly, line);
  }
  if (name == "candidate") {
    return append(media.candidates, nonEmpty(line.value), Reason::kBadIceAttribute);
  }
  if (name == "rtpmap") {
    auto map = parseRtpMap(value);
    if (map && media.rtpMapOf(map->payloadType) != nullptr) {
      return Reason::kDuplicateAttribute;
    }
    return append(media.rtpMaps, std::move(map), Reason::kBadRtpMap);
  }
  if (name == "fmtp") {
    auto fmtp = parseFmtp(value);
    if (fmtp && media.fmtpOf(fmtp->payloadType) != nullptr) {
      return Reason::kDuplicateAttribute;
    }
    return append(media.fmtps, std::move(fmtp), Reason::kBadFmtp);
  }
  if (name == "rtcp-fb") {
    return append(media.rtcpFeedback, parseRtcpFeedback(value), Reason::kBadRtcpFeedback);
  }
  if (name == "extmap") {
    return append(media.extmaps, parseExtMap(value), Reason::kBadExtmap);
  }
  if (name == "msid") {
    return append(media.msids, parseMsid(value), Reason::kBadMsid);
  }
  if (name == "ssrc") {
    return append(media.ssrcs, parseSsrc(value), Reason::kBadSsrc);
  }
  if (name == "ssrc-group") {
    return append(media.ssrcGroups, parseSsrcGroup(value), Reason::kBadSsrcGroup);
  }
  if (name == "rid") {
    return append(media.rids, parseRid(value), Reason::kBadRid);
  }
  if (name == "simulcast") {
    return setOnce(media.simulcast, parseSimulcast(value), Reason::kBadSimulcast);
  }
  if (name == "sctp-port") {
    return setOnce(media.sctpPort, parseNumber<std::uint16_t>(value), Reason::kBadSctp);
  }
  if (name == "max-message-size") {
    return setOnce(media.maxMessageSize, parseNumber<std::uint64_t>(value), Reason::kBadSctp);
  }
  media.otherAttributes.push_back(
      {std::string(name), line.value ? std::optional<std::string>(*line.value) : std::nullopt});
  return Reason::kNone;
}

// RFC 8866 §5: the type letters defined, and where each may appear.
bool isKnownType(char type) {
  return std::string_view("vosiuepcbtrzkam").find(type) != std::string_view::npos;
}

bool isSessionField(char type) {
  return std::string_view("iuepcbtrzk").find(type) != std::string_view::npos;
}

bool isMediaField(char type) {
  return std::string_view("icbk").find(type) != std::string_view::npos;
}

SdpParseResult failure(Reason reason, std::size_t line) {
  return SdpParseResult{std::nullopt, SdpError{reason, line}};
}

}  // namespace

SdpParseResult SdpParser::parse(std::string_view text) const {
  if (text.size() > limits_.maxBytes) {
    return failure(Reason::kTooLarge, 0);
  }
  SessionDescription session;
  session.sessionName.clear();
  bool sawTiming = false;
  std::size_t lineNumber = 0;
  while (!text.empty()) {
    // RFC 8866 §5: lines end with CRLF; a bare LF is accepted too, as the RFC advises.
    const auto end = text.find('\n');
    auto line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++lineNumber;
    if (lineNumber > limits_.maxLines) {
      return failure(Reason::kTooManyLines, lineNumber);
    }
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.size() < 2 || line[1] != '=' ||
        line.find_first_of(std::string_view("\r\0", 2)) != std::string_view::npos) {
      return failure(Reason::kBadLine, lineNumber);
    }
    const char type = line[0];
    const auto value = line.substr(2);
    if (!isKnownType(type)) {
      return failure(Reason::kUnknownLineType, lineNumber);
    }
    if (lineNumber == 1) {
      if (type != 'v') {
        return failure(Reason::kMissingVersion, lineNumber);
      }
      if (value != "0") {
        return failure(Reason::kBadVersion, lineNumber);
      }
      continue;
    }
    if (lineNumber == 2) {
      const auto origin = type == 'o' ? parseOrigin(value) : std::nullopt;
      if (!origin) {
        return failure(type == 'o' ? Reason::kBadOrigin : Reason::kMissingOrigin, lineNumber);
      }
      session.origin = *origin;
      continue;
    }
    if (lineNumber == 3) {
      if (type != 's') {
        return failure(Reason::kMissingSessionName, lineNumber);
      }
      session.sessionName = value;
      continue;
    }
    if (type == 'm') {
      if (!sawTiming) {
        return failure(Reason::kMissingTiming, lineNumber);
      }
      if (session.media.size() == limits_.maxMediaSections) {
        return failure(Reason::kTooManyMediaSections, lineNumber);
      }
      auto media = parseMediaLine(value);
      if (!media) {
        return failure(Reason::kBadMediaLine, lineNumber);
      }
      session.media.push_back(std::move(*media));
      continue;
    }
    Reason reason = Reason::kNone;
    if (type == 'a') {
      const auto [name, attributeValue] = splitOnce(value, ':');
      const AttributeLine attribute{name, attributeValue};
      if (name.empty()) {
        reason = Reason::kBadAttribute;
      } else if (session.media.empty()) {
        reason = parseSessionAttribute(attribute, session);
      } else {
        reason = parseMediaAttribute(attribute, session.media.back());
      }
    } else if (session.media.empty() && isSessionField(type)) {
      sawTiming = sawTiming || type == 't';
      session.fields.push_back({type, std::string(value)});
    } else if (!session.media.empty() && isMediaField(type)) {
      session.media.back().fields.push_back({type, std::string(value)});
    } else {
      reason = Reason::kUnexpectedLine;
    }
    if (reason != Reason::kNone) {
      return failure(reason, lineNumber);
    }
  }
  if (lineNumber < 3) {
    const std::size_t next = lineNumber + 1;
    return failure(lineNumber == 0   ? Reason::kMissingVersion
                   : lineNumber == 1 ? Reason::kMissingOrigin
                                     : Reason::kMissingSessionName,
                   next);
  }
  if (!sawTiming) {
    return failure(Reason::kMissingTiming, lineNumber + 1);
  }
  return SdpParseResult{std::move(session), SdpError{}};
}

}  // namespace chorus::signaling
