#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace chorus::bench {

// The server's own view of what it did, from its Prometheus text exposition (chorusd serves
// /metrics on its HTTP port), so that what the harness counted can be set beside it.
class ServerMetrics {
 public:
  // The counter chorusd increments for every RTP packet it sends to a subscriber.
  static constexpr std::string_view kForwardedPackets = "chorus_router_forwarded_packets_total";

  ServerMetrics(boost::asio::any_io_executor executor, boost::asio::ip::tcp::endpoint http)
      : executor_(std::move(executor)), http_(std::move(http)) {}

  // One scrape: the sum of the samples of `family` over all its labels; nothing when the
  // server does not answer or has no such family.
  boost::asio::awaitable<std::optional<double>> sample(std::string_view family) const;

  // The same sum, from an exposition already fetched.
  static std::optional<double> sumOf(std::string_view exposition, std::string_view family);

 private:
  boost::asio::any_io_executor executor_;
  boost::asio::ip::tcp::endpoint http_;
};

}  // namespace chorus::bench
