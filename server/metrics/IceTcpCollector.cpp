#include "server/metrics/IceTcpCollector.h"

#include <array>
#include <string>

#include "server/metrics/MetricFamilies.h"

namespace chorus::server {

std::vector<prometheus::MetricFamily> IceTcpCollector::Collect() const {
  auto handshakes =
      counterFamily("chorus_ice_tcp_handshakes_total",
                    "ICE-TCP connections accepted, by how their first frame was judged");
  const auto counted = listener_.handshakes();
  for (std::size_t result = 0; result < kIceTcpHandshakeCount; ++result) {
    addSample(handshakes, static_cast<double>(counted[result].value()),
              {{"result", std::string(toString(static_cast<IceTcpHandshake>(result)))}});
  }

  std::uint64_t opened = 0;
  std::array<std::uint64_t, kTcpCloseReasonCount> closed{};
  for (std::size_t index = 0; index < shards_.size(); ++index) {
    const TcpConnectionCounters& counters = shards_.shard(index).tcpCounters();
    opened += counters.opened.value();
    for (std::size_t reason = 0; reason < kTcpCloseReasonCount; ++reason) {
      closed[reason] += counters.closed[reason].value();
    }
  }
  std::uint64_t closedTotal = 0;
  auto closedFamily = counterFamily("chorus_ice_tcp_connections_closed_total",
                                    "ICE-TCP connections the workers closed, by reason");
  for (std::size_t reason = 0; reason < kTcpCloseReasonCount; ++reason) {
    closedTotal += closed[reason];
    addSample(closedFamily, static_cast<double>(closed[reason]),
              {{"reason", std::string(toString(static_cast<TcpCloseReason>(reason)))}});
  }
  auto open = gaugeFamily("chorus_ice_tcp_connections", "ICE-TCP connections the workers hold");
  // The two sums are read at slightly different moments; a close is never counted before
  // its open, but the open may be read first, so clamp at zero.
  addSample(open, static_cast<double>(opened > closedTotal ? opened - closedTotal : 0));
  return {handshakes, open, closedFamily};
}

}  // namespace chorus::server
