#include "signaling/sdp/SdpWriter.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "signaling/sdp/SdpNames.h"

namespace chorus::signaling {
namespace {

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
  std::string text;
  for (const auto& item : items) {
    if (!text.empty()) {
      text += separator;
    }
    text += item;
  }
  return text;
}

// "k1=v1;k2": a key with an empty value is written alone (RFC 8866 §6.15 leaves the format to
// each codec; telephone-event and RED carry bare values).
std::string parameterText(const std::map<std::string, std::string>& parameters) {
  std::string text;
  for (const auto& [key, value] : parameters) {
    if (!text.empty()) {
      text += ';';
    }
    text += key;
    if (!value.empty()) {
      text += '=';
      text += value;
    }
  }
  return text;
}

std::string simulcastText(const SimulcastStreams& streams) {
  std::vector<std::string> streamTexts;
  streamTexts.reserve(streams.size());
  for (const auto& alternatives : streams) {
    std::vector<std::string> rids;
    rids.reserve(alternatives.size());
    for (const auto& rid : alternatives) {
      rids.push_back((rid.paused ? "~" : "") + rid.rid);
    }
    streamTexts.push_back(joined(rids, ","));
  }
  return joined(streamTexts, ";");
}

}  // namespace

std::string SdpWriter::write(const SessionDescription& session) {
  text_.clear();
  line('v', "0");
  const auto& o = session.origin;
  line('o', o.username + ' ' + o.sessionId + ' ' + o.sessionVersion + ' ' + o.networkType + ' ' +
                o.addressType + ' ' + o.address);
  line('s', session.sessionName);
  for (const auto& field : session.fields) {
    line(field.type, field.value);
  }
  for (const auto& group : session.groups) {
    attribute("group", group.mids.empty() ? group.semantics
                                          : group.semantics + ' ' + joined(group.mids, " "));
  }
  if (session.iceLite) {
    attribute("ice-lite");
  }
  if (session.msidSemantic) {
    attribute("msid-semantic", *session.msidSemantic);
  }
  if (session.extmapAllowMixed) {
    attribute("extmap-allow-mixed");
  }
  if (session.direction) {
    attribute(toString(*session.direction));
  }
  transport(session.transport);
  for (const auto& other : session.otherAttributes) {
    other.value ? attribute(other.name, *other.value) : attribute(other.name);
  }
  for (const auto& section : session.media) {
    media(section);
  }
  return std::move(text_);
}

void SdpWriter::line(char type, std::string_view value) {
  text_ += type;
  text_ += '=';
  text_ += value;
  text_ += "\r\n";
}

void SdpWriter::attribute(std::string_view name) {
  line('a', name);
}

void SdpWriter::attribute(std::string_view name, std::string_view value) {
  std::string text(name);
  text += ':';
  text += value;
  line('a', text);
}

void SdpWriter::transport(const TransportAttributes& attributes) {
  if (attributes.iceUfrag) {
    attribute("ice-ufrag", *attributes.iceUfrag);
  }
  if (attributes.icePwd) {
    attribute("ice-pwd", *attributes.icePwd);
  }
  if (!attributes.iceOptions.empty()) {
    attribute("ice-options", joined(attributes.iceOptions, " "));
  }
  for (const auto& fingerprint : attributes.fingerprints) {
    attribute("fingerprint", fingerprint.toSdp());
  }
  if (attributes.setup) {
    attribute("setup", toString(*attributes.setup));
  }
}

void SdpWriter::media(const MediaDescription& section) {
  std::string mediaLine = section.media + ' ' + std::to_string(section.port);
  if (section.portCount) {
    mediaLine += '/' + std::to_string(*section.portCount);
  }
  mediaLine += ' ' + section.protocol + ' ' + joined(section.formats, " ");
  line('m', mediaLine);
  for (const auto& field : section.fields) {
    line(field.type, field.value);
  }
  transport(section.transport);
  for (const auto& candidate : section.candidates) {
    attribute("candidate", candidate);
  }
  if (section.endOfCandidates) {
    attribute("end-of-candidates");
  }
  if (section.bundleOnly) {
    attribute("bundle-only");
  }
  if (section.mid) {
    attribute("mid", *section.mid);
  }
  for (const auto& extmap : section.extmaps) {
    std::string value = std::to_string(extmap.id);
    if (extmap.direction) {
      value += '/';
      value += toString(*extmap.direction);
    }
    value += ' ' + extmap.uri;
    if (extmap.attributes) {
      value += ' ' + *extmap.attributes;
    }
    attribute("extmap", value);
  }
  if (section.extmapAllowMixed) {
    attribute("extmap-allow-mixed");
  }
  if (section.direction) {
    attribute(toString(*section.direction));
  }
  for (const auto& msid : section.msids) {
    attribute("msid", msid.trackId ? msid.streamId + ' ' + *msid.trackId : msid.streamId);
  }
  if (section.rtcpMux) {
    attribute("rtcp-mux");
  }
  if (section.rtcpMuxOnly) {
    attribute("rtcp-mux-only");
  }
  if (section.rtcpRsize) {
    attribute("rtcp-rsize");
  }
  codecs(section);
  streams(section);
  if (section.sctpPort) {
    attribute("sctp-port", std::to_string(*section.sctpPort));
  }
  if (section.maxMessageSize) {
    attribute("max-message-size", std::to_string(*section.maxMessageSize));
  }
  for (const auto& other : section.otherAttributes) {
    other.value ? attribute(other.name, *other.value) : attribute(other.name);
  }
}

// Each payload type's rtpmap, then its rtcp-fb and fmtp lines, the way browsers group them;
// entries for payload types without an rtpmap (and rtcp-fb "*") follow, each list keeping its
// order so that a parse of the text gives the same lists back.
void SdpWriter::codecs(const MediaDescription& section) {
  std::vector<bool> feedbackWritten(section.rtcpFeedback.size(), false);
  std::vector<bool> fmtpWritten(section.fmtps.size(), false);
  for (const auto& map : section.rtpMaps) {
    std::string value = std::to_string(map.payloadType) + ' ' + map.encodingName + '/' +
                        std::to_string(map.clockRate);
    if (map.channels) {
      value += '/' + std::to_string(*map.channels);
    }
    attribute("rtpmap", value);
    // Only a payload type's entries that no earlier entry precedes in its list may be written
    // here: writing a later one first would reorder the list.
    for (std::size_t i = 0; i < section.rtcpFeedback.size(); ++i) {
      const auto& feedback = section.rtcpFeedback[i];
      if (feedbackWritten[i]) {
        continue;
      }
      if (feedback.payloadType != map.payloadType) {
        break;
      }
      std::string text = std::to_string(map.payloadType) + ' ' + feedback.type;
      if (feedback.parameter) {
        text += ' ' + *feedback.parameter;
      }
      attribute("rtcp-fb", text);
      feedbackWritten[i] = true;
    }
    for (std::size_t i = 0; i < section.fmtps.size(); ++i) {
      if (fmtpWritten[i]) {
        continue;
      }
      if (section.fmtps[i].payloadType != map.payloadType) {
        break;
      }
      const auto parameters = parameterText(section.fmtps[i].parameters);
      attribute("fmtp", parameters.empty() ? std::to_string(map.payloadType)
                                           : std::to_string(map.payloadType) + ' ' + parameters);
      fmtpWritten[i] = true;
    }
  }
  for (std::size_t i = 0; i < section.rtcpFeedback.size(); ++i) {
    if (feedbackWritten[i]) {
      continue;
    }
    const auto& feedback = section.rtcpFeedback[i];
    std::string text =
        (feedback.payloadType ? std::to_string(*feedback.payloadType) : "*") + ' ' + feedback.type;
    if (feedback.parameter) {
      text += ' ' + *feedback.parameter;
    }
    attribute("rtcp-fb", text);
  }
  for (std::size_t i = 0; i < section.fmtps.size(); ++i) {
    if (fmtpWritten[i]) {
      continue;
    }
    const auto parameters = parameterText(section.fmtps[i].parameters);
    const auto type = std::to_string(section.fmtps[i].payloadType);
    attribute("fmtp", parameters.empty() ? type : type + ' ' + parameters);
  }
}

void SdpWriter::streams(const MediaDescription& section) {
  for (const auto& group : section.ssrcGroups) {
    std::string value = group.semantics;
    for (const auto ssrc : group.ssrcs) {
      value += ' ' + std::to_string(ssrc);
    }
    attribute("ssrc-group", value);
  }
  for (const auto& ssrc : section.ssrcs) {
    std::string value = std::to_string(ssrc.ssrc) + ' ' + ssrc.attribute;
    if (ssrc.value) {
      value += ':' + *ssrc.value;
    }
    attribute("ssrc", value);
  }
  for (const auto& rid : section.rids) {
    std::string value = rid.id + (rid.direction == Rid::Direction::kSend ? " send" : " recv");
    const auto restrictions = parameterText(rid.restrictions);
    if (!restrictions.empty()) {
      value += ' ' + restrictions;
    }
    attribute("rid", value);
  }
  if (section.simulcast) {
    std::vector<std::string> parts;
    if (!section.simulcast->send.empty()) {
      parts.push_back("send " + simulcastText(section.simulcast->send));
    }
    if (!section.simulcast->recv.empty()) {
      parts.push_back("recv " + simulcastText(section.simulcast->recv));
    }
    attribute("simulcast", joined(parts, " "));
  }
}

}  // namespace chorus::signaling
