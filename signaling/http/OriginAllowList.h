#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chorus::signaling {

// The web origins whose pages may open the WebSocket endpoint. A browser names the page's
// origin in the Origin header of every WebSocket upgrade (RFC 6455 §4.1 item 8), so refusing
// unknown origins keeps other sites' pages from driving a visitor's browser at the server. A
// native client sends no Origin and is not subject to the list.
class OriginAllowList {
 public:
  // Empty: every origin is allowed. Each entry must be an origin as normalize() accepts it;
  // throws std::invalid_argument naming the first that is not.
  explicit OriginAllowList(const std::vector<std::string>& origins);

  // RFC 6454 §6.1: an origin serializes as scheme "://" host [ ":" port ], with no path. Scheme
  // and host compare case-insensitively (RFC 3986 §3.1, §3.2.2), so both are lowercased; the
  // port is kept as written. Nothing for anything else, "null" (an opaque origin) included.
  static std::optional<std::string> normalize(std::string_view origin);

  // `origin` is the Origin header's value, or nothing when the request has none.
  bool allows(std::optional<std::string_view> origin) const;

  bool empty() const noexcept { return origins_.empty(); }

 private:
  std::vector<std::string> origins_;  // normalized
};

}  // namespace chorus::signaling
