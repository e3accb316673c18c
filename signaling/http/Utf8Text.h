#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace chorus::signaling {

// The number of Unicode code points in `text` when it is valid UTF-8 (RFC 3629 §4: no overlong
// forms, no surrogates, nothing above U+10FFFF) without control characters (C0, DEL, C1), so it
// can be shown and logged as it is; nothing otherwise.
std::optional<std::size_t> printableCodePoints(std::string_view text) noexcept;

}  // namespace chorus::signaling
