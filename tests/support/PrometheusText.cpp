#include "tests/support/PrometheusText.h"

#include <cstdlib>
#include <regex>
#include <set>

namespace chorus::test {
namespace {

const std::regex kHelp(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*)");
const std::regex kType(
    R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
const std::regex kSample(
    R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*",?)*\})? )"
    R"(([-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?Inf|NaN)( -?[0-9]+)?)");

// A sample belongs to a family by name, or by name with a histogram/summary suffix.
std::string familyOf(const std::string& sample, const std::set<std::string>& typed) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string_view name = sample;
    if (name.ends_with(suffix)) {
      std::string base(name.substr(0, name.size() - std::string_view(suffix).size()));
      if (typed.contains(base)) {
        return base;
      }
    }
  }
  return sample;
}

}  // namespace

std::vector<std::string> prometheusTextProblems(std::string_view text) {
  std::vector<std::string> problems;
  std::set<std::string> typed;
  std::size_t lineNumber = 0;
  if (!text.empty() && text.back() != '\n') {
    problems.emplace_back("text does not end with a newline");
  }
  while (!text.empty()) {
    ++lineNumber;
    const std::size_t end = std::min(text.find('\n'), text.size());
    const std::string line(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
    std::smatch match;
    const std::string where = "line " + std::to_string(lineNumber) + ": ";
    if (line.empty() || std::regex_match(line, kHelp)) {
      continue;
    }
    if (std::regex_match(line, match, kType)) {
      if (!typed.insert(match[1]).second) {
        problems.push_back(where + "second TYPE for " + match[1].str());
      }
    } else if (std::regex_match(line, match, kSample)) {
      if (!typed.contains(familyOf(match[1], typed))) {
        problems.push_back(where + "sample before its TYPE: " + line);
      }
    } else if (!line.starts_with("#")) {
      problems.push_back(where + "not a valid sample: " + line);
    }
  }
  return problems;
}

std::optional<double> prometheusSample(std::string_view text, std::string_view series) {
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (line.size() > series.size() && line.starts_with(series) && line[series.size()] == ' ') {
      return std::strtod(std::string(line.substr(series.size() + 1)).c_str(), nullptr);
    }
  }
  return std::nullopt;
}

}  // namespace chorus::test
