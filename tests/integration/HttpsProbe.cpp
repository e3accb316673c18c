#include "tests/integration/HttpsProbe.h"

#include <array>
#include <chrono>
#include <exception>
#include <stdexcept>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace chorus::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr auto kTimeout = std::chrono::seconds(10);

asio::awaitable<void> exchange(beast::ssl_stream<beast::tcp_stream>& stream, std::uint16_t port,
                               std::string_view target, HttpReply& reply) {
  beast::get_lowest_layer(stream).expires_after(kTimeout);
  co_await beast::get_lowest_layer(stream).async_connect(
      asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), asio::use_awaitable);
  co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  http::request<http::empty_body> request(http::verb::get, target, 11);
  request.set(http::field::host, "localhost");
  request.keep_alive(false);
  co_await http::async_write(stream, request, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  co_await http::async_read(stream, buffer, response, asio::use_awaitable);
  reply.status = static_cast<int>(response.result_int());
  reply.body = response.body();
  // After close_notify, TLS reports a clean end of stream; a bare TCP close is stream_truncated.
  std::array<char, 1> more{};
  auto [error, count] =
      co_await stream.async_read_some(asio::buffer(more), asio::as_tuple(asio::use_awaitable));
  reply.closedByServer = error == asio::error::eof;
}

}  // namespace

HttpReply httpsGet(std::uint16_t port, std::string_view target,
                   const std::string& trustedCertificatePem) {
  asio::io_context context;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.add_certificate_authority(asio::buffer(trustedCertificatePem));
  tls.set_verify_mode(asio::ssl::verify_peer);
  tls.set_verify_callback(asio::ssl::host_name_verification("localhost"));
  beast::ssl_stream<beast::tcp_stream> stream(context, tls);
  HttpReply reply;
  std::exception_ptr failure;
  asio::co_spawn(context, exchange(stream, port, target, reply),
                 [&failure](std::exception_ptr error) { failure = std::move(error); });
  context.run();
  if (failure) {
    std::rethrow_exception(failure);
  }
  return reply;
}

}  // namespace chorus::test
