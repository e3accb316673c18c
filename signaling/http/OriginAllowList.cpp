#include "signaling/http/OriginAllowList.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace chorus::signaling {
namespace {

bool isAsciiAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool isAsciiDigit(char c) {
  return c >= '0' && c <= '9';
}

// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
bool isScheme(std::string_view text) {
  return !text.empty() && isAsciiAlpha(text.front()) &&
         std::all_of(text.begin(), text.end(), [](char c) {
           return isAsciiAlpha(c) || isAsciiDigit(c) || c == '+' || c == '-' || c == '.';
         });
}

// A host as a browser serializes it: a registered name or IPv4 address (letters, digits, '-',
// '.', and '_' which some intranets use), or an IPv6 literal in brackets (RFC 3986 §3.2.2).
bool isHost(std::string_view text) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    const std::string_view inside = text.substr(1, text.size() - 2);
    return std::all_of(inside.begin(), inside.end(), [](char c) {
      return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
    });
  }
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return isAsciiAlpha(c) || isAsciiDigit(c) || c == '-' || c == '.' || c == '_';
  });
}

bool isPort(std::string_view text) {
  constexpr std::size_t kMaxPortDigits = 5;
  return !text.empty() && text.size() <= kMaxPortDigits &&
         std::all_of(text.begin(), text.end(), isAsciiDigit);
}

}  // namespace

OriginAllowList::OriginAllowList(const std::vector<std::string>& origins) {
  for (const std::string& origin : origins) {
    auto normalized = normalize(origin);
    if (!normalized) {
      throw std::invalid_argument("\"" + origin +
                                  "\" is not an origin like https://app.example.com[:port]");
    }
    origins_.push_back(std::move(*normalized));
  }
}

std::optional<std::string> OriginAllowList::normalize(std::string_view origin) {
  constexpr std::string_view kSeparator = "://";
  const std::size_t separator = origin.find(kSeparator);
  if (separator == std::string_view::npos || !isScheme(origin.substr(0, separator))) {
    return std::nullopt;
  }
  const std::string_view authority = origin.substr(separator + kSeparator.size());
  // The port's colon is the last one after any IPv6 literal's closing bracket.
  const std::size_t bracket = authority.rfind(']');
  const std::size_t colon = authority.find(':', bracket == std::string_view::npos ? 0 : bracket);
  const std::string_view host = authority.substr(0, colon);
  if (!isHost(host) || (colon != std::string_view::npos && !isPort(authority.substr(colon + 1)))) {
    return std::nullopt;
  }
  std::string normalized(origin);
  std::transform(normalized.begin(), normalized.end(), normalized.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return normalized;
}

bool OriginAllowList::allows(std::optional<std::string_view> origin) const {
  if (origins_.empty() || !origin) {
    return true;
  }
  const auto normalized = normalize(*origin);
  return normalized && std::find(origins_.begin(), origins_.end(), *normalized) != origins_.end();
}

}  // namespace chorus::signaling
