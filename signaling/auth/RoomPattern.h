#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace chorus::signaling {

// The rooms an access token's `room` grant opens. Three forms, and no others:
//   "standup"   exactly the room "standup"
//   "team-a/*"  every room whose id starts with "team-a/" (the prefix may be empty: "*")
//   "*"         every room
// `*` is special only as the last character; anywhere else the pattern is rejected, so a
// pattern never means more than it reads as. Matching is byte-wise and case-sensitive.
class RoomPattern {
 public:
  static constexpr std::size_t kMaxBytes = 256;
  static constexpr char kWildcard = '*';

  // Nothing for an empty pattern, one over kMaxBytes, or one with `*` before its end.
  static std::optional<RoomPattern> parse(std::string_view text);

  bool matches(std::string_view roomId) const noexcept;
  bool isPrefix() const noexcept { return prefix_; }
  const std::string& text() const noexcept { return text_; }

  friend bool operator==(const RoomPattern&, const RoomPattern&) = default;

 private:
  RoomPattern(std::string text, bool prefix) : text_(std::move(text)), prefix_(prefix) {}

  std::string text_;  // as written, `*` included
  bool prefix_;
};

}  // namespace chorus::signaling
