#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chorus::test {

// Checks `text` against the Prometheus text exposition format 0.0.4: HELP/TYPE comments, metric
// and label names, escaped label values, float values, and every family's TYPE before its
// samples, declared once. Returns one line per problem; empty when valid.
std::vector<std::string> prometheusTextProblems(std::string_view text);

// The value of the sample whose name-and-labels part is exactly `series`, e.g.
// `chorus_udp_datagrams_dropped_total{reason="unknown_peer"}`.
std::optional<double> prometheusSample(std::string_view text, std::string_view series);

}  // namespace chorus::test
