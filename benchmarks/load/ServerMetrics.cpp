#include "benchmarks/load/ServerMetrics.h"

#include <charconv>
#include <exception>

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace chorus::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

asio::awaitable<std::optional<double>> ServerMetrics::sample(std::string_view family) const {
  try {
    beast::tcp_stream stream(executor_);
    co_await stream.async_connect(http_, asio::use_awaitable);
    http::request<http::empty_body> request(http::verb::get, "/metrics", 11);
    request.set(http::field::host, http_.address().to_string());
    request.set(http::field::connection, "close");
    co_await http::async_write(stream, request, asio::use_awaitable);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    co_await http::async_read(stream, buffer, response, asio::use_awaitable);
    if (response.result() != http::status::ok) {
      co_return std::nullopt;
    }
    co_return sumOf(response.body(), family);
  } catch (const std::exception&) {
    co_return std::nullopt;
  }
}

// Prometheus text format: one sample per line, `name{labels} value [timestamp]`; comments
// start with '#'.
std::optional<double> ServerMetrics::sumOf(std::string_view exposition, std::string_view family) {
  std::optional<double> sum;
  while (!exposition.empty()) {
    const auto end = exposition.find('\n');
    const std::string_view line = exposition.substr(0, end);
    exposition.remove_prefix(end == std::string_view::npos ? exposition.size() : end + 1);
    if (!line.starts_with(family) || line.size() == family.size()) {
      continue;
    }
    const char after = line[family.size()];
    if (after != ' ' && after != '{') {
      continue;
    }
    const auto labelsEnd = after == '{' ? line.find('}', family.size()) : family.size();
    if (labelsEnd == std::string_view::npos) {
      continue;
    }
    std::string_view value = line.substr(labelsEnd + (after == '{' ? 1 : 0));
    while (value.starts_with(' ')) {
      value.remove_prefix(1);
    }
    value = value.substr(0, value.find(' '));
    double parsed = 0;
    if (std::from_chars(value.data(), value.data() + value.size(), parsed).ec == std::errc{}) {
      sum = sum.value_or(0) + parsed;
    }
  }
  return sum;
}

}  // namespace chorus::bench
