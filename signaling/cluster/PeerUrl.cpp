#include "signaling/cluster/PeerUrl.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace chorus::signaling {
namespace {

constexpr std::string_view kScheme = "http://";
constexpr std::string_view kTlsScheme = "https://";

bool isHostCharacter(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

bool isIpv6Character(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
}

}  // namespace

std::optional<PeerUrl> PeerUrl::parse(std::string_view text) {
  PeerUrl url;
  if (text.starts_with(kTlsScheme)) {
    url.tls = true;
    url.port = 443;
    text.remove_prefix(kTlsScheme.size());
  } else if (text.starts_with(kScheme)) {
    text.remove_prefix(kScheme.size());
  } else {
    return std::nullopt;
  }
  if (text.ends_with('/')) {
    text.remove_suffix(1);
  }
  std::string_view rest;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close == 1) {
      return std::nullopt;
    }
    const std::string_view address = text.substr(1, close - 1);
    if (!std::all_of(address.begin(), address.end(), isIpv6Character)) {
      return std::nullopt;
    }
    url.host = std::string(address);
    rest = text.substr(close + 1);
  } else {
    const std::size_t colon = std::min(text.find(':'), text.size());
    const std::string_view host = text.substr(0, colon);
    if (host.empty() || !std::all_of(host.begin(), host.end(), isHostCharacter)) {
      return std::nullopt;
    }
    url.host = std::string(host);
    rest = text.substr(colon);
  }
  if (rest.empty()) {
    return url;
  }
  if (rest.front() != ':' || rest.size() == 1) {
    return std::nullopt;
  }
  rest.remove_prefix(1);
  unsigned port = 0;
  const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), port);
  if (error != std::errc{} || end != rest.data() + rest.size() || port == 0 || port > 65535) {
    return std::nullopt;
  }
  url.port = static_cast<std::uint16_t>(port);
  return url;
}

std::string PeerUrl::text() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return std::string(tls ? kTlsScheme : kScheme) + (ipv6 ? "[" + host + "]" : host) + ":" +
         std::to_string(port);
}

}  // namespace chorus::signaling
