#include "server/cluster/PeerProbe.h"

#include <exception>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "signaling/cluster/ClusterStateEndpoint.h"

namespace chorus::server {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
// A node hosting thousands of rooms of 64 four-byte characters answers a few hundred KiB.
constexpr std::uint64_t kMaxStateBytes = std::uint64_t{8} * 1024 * 1024;

// The request and its answer on a connected stream (plain, or TLS after its handshake).
template <typename Stream>
asio::awaitable<ProbeResult> exchange(Stream& stream, const signaling::PeerUrl& peer,
                                      const std::string& secret) {
  http::request<http::empty_body> request{http::verb::get,
                                          std::string(signaling::ClusterStateEndpoint::kPath), 11};
  const std::string url = peer.text();
  request.set(http::field::host, url.substr(url.find("://") + 3));
  request.set(http::field::authorization, "Bearer " + secret);
  request.keep_alive(false);
  auto [writeError, written] = co_await http::async_write(stream, request, kUseTuple);
  if (writeError) {
    co_return ProbeResult{std::nullopt, "write: " + writeError.message()};
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxStateBytes);
  auto [readError, read] = co_await http::async_read(stream, buffer, parser, kUseTuple);
  if (readError) {
    co_return ProbeResult{std::nullopt, "read: " + readError.message()};
  }
  const auto& response = parser.get();
  if (response.result() != http::status::ok) {
    co_return ProbeResult{std::nullopt, "status " + std::to_string(response.result_int())};
  }
  auto state = signaling::parseNodeState(response.body());
  if (!state) {
    co_return ProbeResult{std::nullopt, "the answer is not a cluster state"};
  }
  co_return ProbeResult{std::move(state), {}};
}

asio::awaitable<ProbeResult> readState(signaling::PeerUrl peer, std::string secret,
                                       std::chrono::milliseconds timeout) {
  const auto executor = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(executor);
  auto [resolveError, endpoints] =
      co_await resolver.async_resolve(peer.host, std::to_string(peer.port), kUseTuple);
  if (resolveError) {
    co_return ProbeResult{std::nullopt, "resolve: " + resolveError.message()};
  }
  beast::tcp_stream stream(executor);
  stream.expires_after(timeout);
  auto [connectError, endpoint] = co_await stream.async_connect(endpoints, kUseTuple);
  if (connectError) {
    co_return ProbeResult{std::nullopt, "connect: " + connectError.message()};
  }
  if (!peer.tls) {
    ProbeResult result = co_await exchange(stream, peer, secret);
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    co_return result;
  }
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_verify_mode(asio::ssl::verify_none);
  beast::ssl_stream<beast::tcp_stream> secure(std::move(stream), tls);
  auto [handshakeError] =
      co_await secure.async_handshake(asio::ssl::stream_base::client, kUseTuple);
  if (handshakeError) {
    co_return ProbeResult{std::nullopt, "tls: " + handshakeError.message()};
  }
  co_return co_await exchange(secure, peer, secret);
}

// Runs the probe and reports whatever happens, so the directory never waits on a lost probe.
asio::awaitable<void> probeAndReport(signaling::PeerUrl peer, std::string secret,
                                     std::chrono::milliseconds timeout,
                                     std::function<void(ProbeResult)> done) {
  ProbeResult result;
  try {
    result = co_await readState(std::move(peer), std::move(secret), timeout);
  } catch (const std::exception& error) {
    // Only allocation can throw in there; the peer counts as unreachable.
    result = ProbeResult{std::nullopt, error.what()};
  }
  done(std::move(result));
}

}  // namespace

void probePeer(asio::io_context& context, const signaling::PeerUrl& peer, const std::string& secret,
               std::chrono::milliseconds timeout, std::function<void(ProbeResult)> done) {
  asio::co_spawn(context, probeAndReport(peer, secret, timeout, std::move(done)), asio::detached);
}

void resolvePeers(asio::io_context& context, const std::string& name, std::uint16_t port, bool tls,
                  std::function<void(std::vector<signaling::PeerUrl>, std::string error)> done) {
  auto resolver = std::make_shared<asio::ip::tcp::resolver>(context);
  resolver->async_resolve(
      name, std::to_string(port),
      [resolver, port, tls, done = std::move(done)](
          const boost::system::error_code& error,
          const asio::ip::tcp::resolver::results_type& results) {
        std::vector<signaling::PeerUrl> peers;
        if (!error) {
          for (const auto& entry : results) {
            peers.push_back({entry.endpoint().address().to_string(), port, tls});
          }
        }
        done(std::move(peers), error ? error.message() : std::string());
      });
}

}  // namespace chorus::server
