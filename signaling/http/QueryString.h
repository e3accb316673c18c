#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chorus::signaling {

// The decoded parameters of a request target's query (RFC 3986 §3.4), in the
// application/x-www-form-urlencoded form browsers' URLSearchParams write: `name=value` pairs
// joined by `&`, percent-encoded, `+` for a space.
class QueryString {
 public:
  // The query of `target` (the part after the first `?`; none: no parameters). Nothing when a
  // `%` is not followed by two hex digits.
  static std::optional<QueryString> parse(std::string_view target);

  // The first value given for `name`, decoded; nothing when the name is absent.
  std::optional<std::string> value(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> parameters_;
};

}  // namespace chorus::signaling
