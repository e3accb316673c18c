#include "signaling/http/QueryString.h"

#include <algorithm>

namespace chorus::signaling {
namespace {

std::optional<unsigned> hexDigit(char c) {
  constexpr unsigned kTen = 10;
  if (c >= '0' && c <= '9') {
    return static_cast<unsigned>(c - '0');
  }
  if (c >= 'a' && c <= 'f') {
    return static_cast<unsigned>(c - 'a') + kTen;
  }
  if (c >= 'A' && c <= 'F') {
    return static_cast<unsigned>(c - 'A') + kTen;
  }
  return std::nullopt;
}

// RFC 3986 §2.1 percent-decoding, plus the form encoding's `+` for a space.
std::optional<std::string> decoded(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (text[at] == '+') {
      out.push_back(' ');
    } else if (text[at] == '%') {
      const auto high = at + 1 < text.size() ? hexDigit(text[at + 1]) : std::nullopt;
      const auto low = at + 2 < text.size() ? hexDigit(text[at + 2]) : std::nullopt;
      if (!high || !low) {
        return std::nullopt;
      }
      constexpr unsigned kNibbleBits = 4;
      out.push_back(static_cast<char>((*high << kNibbleBits) | *low));
      at += 2;
    } else {
      out.push_back(text[at]);
    }
  }
  return out;
}

}  // namespace

std::optional<QueryString> QueryString::parse(std::string_view target) {
  QueryString query;
  const std::size_t question = target.find('?');
  if (question == std::string_view::npos) {
    return query;
  }
  std::string_view rest = target.substr(question + 1);
  // RFC 3986 §3.5: a fragment is not part of the query (clients should not send one).
  rest = rest.substr(0, rest.find('#'));
  while (!rest.empty()) {
    const std::size_t ampersand = std::min(rest.find('&'), rest.size());
    const std::string_view pair = rest.substr(0, ampersand);
    rest.remove_prefix(std::min(ampersand + 1, rest.size()));
    if (pair.empty()) {
      continue;
    }
    const std::size_t equals = pair.find('=');
    auto name = decoded(pair.substr(0, equals));
    auto value =
        decoded(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1));
    if (!name || !value) {
      return std::nullopt;
    }
    query.parameters_.emplace_back(std::move(*name), std::move(*value));
  }
  return query;
}

std::optional<std::string> QueryString::value(std::string_view name) const {
  const auto found =
      std::find_if(parameters_.begin(), parameters_.end(),
                   [name](const auto& parameter) { return parameter.first == name; });
  if (found == parameters_.end()) {
    return std::nullopt;
  }
  return found->second;
}

}  // namespace chorus::signaling
