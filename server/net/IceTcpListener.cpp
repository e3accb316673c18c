#include "server/net/IceTcpListener.h"

#include <cstring>
#include <utility>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include "media/wire/StunMessage.h"
#include "server/net/Sockaddr.h"
#include "server/net/TcpIceConnection.h"
#include "server/shard/ShardPool.h"

namespace chorus::server {
namespace {

media::SocketAddress toSocketAddress(const boost::asio::ip::tcp::endpoint& endpoint) {
  sockaddr_storage storage{};
  std::memcpy(&storage, endpoint.data(), endpoint.size());
  return server::toSocketAddress(storage);
}

}  // namespace

std::string_view toString(IceTcpHandshake result) noexcept {
  switch (result) {
    case IceTcpHandshake::kHandedOff:
      return "handed_off";
    case IceTcpHandshake::kTimeout:
      return "timeout";
    case IceTcpHandshake::kPeerClosed:
      return "peer_closed";
    case IceTcpHandshake::kFraming:
      return "framing";
    case IceTcpHandshake::kNotStun:
      return "not_stun";
    case IceTcpHandshake::kUnknownUfrag:
      return "unknown_ufrag";
    case IceTcpHandshake::kPendingLimit:
      return "pending_limit";
  }
  return "unknown";
}

IceTcpListener::IceTcpListener(boost::asio::io_context& context,
                               const boost::asio::ip::tcp::endpoint& local, ShardPool& shards,
                               Limits limits)
    : context_(context), acceptor_(context, local), shards_(shards), limits_(limits) {}

void IceTcpListener::start() {
  accept();
}

void IceTcpListener::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  pending_.clear();
}

void IceTcpListener::accept() {
  acceptor_.async_accept(
      [this](const boost::system::error_code& error, boost::asio::ip::tcp::socket socket) {
        if (error == boost::asio::error::operation_aborted) {
          return;
        }
        // Other errors (out of descriptors and the like) concern that one connection: the
        // client retries, and the port keeps listening.
        if (!error) {
          onAccepted(std::move(socket));
        }
        accept();
      });
}

void IceTcpListener::onAccepted(boost::asio::ip::tcp::socket socket) {
  if (pending_.size() >= limits_.maxPending) {
    handshakes_[static_cast<std::size_t>(IceTcpHandshake::kPendingLimit)].add();
    return;  // the socket closes as it goes out of scope
  }
  // Media packets are small and late ones are useless: no Nagle delay.
  boost::system::error_code ignored;
  socket.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  const PendingId id = nextId_++;
  auto& pending = pending_[id] = std::make_unique<Pending>(
      Pending{std::move(socket), boost::asio::steady_timer(context_), {}});
  pending->timer.expires_after(limits_.handshakeTimeout);
  pending->timer.async_wait([this, id](const boost::system::error_code& error) {
    if (!error) {
      finish(id, IceTcpHandshake::kTimeout);
    }
  });
  readFirstFrame(id, *pending);
}

void IceTcpListener::readFirstFrame(PendingId id, Pending& pending) {
  const std::span<std::uint8_t> space = pending.received.writable();
  pending.socket.async_read_some(boost::asio::buffer(space.data(), space.size()),
                                 [this, id](const boost::system::error_code& error,
                                            std::size_t bytes) { onRead(id, error, bytes); });
}

// The first frame is examined on a copy of the framer, so the shard receives every byte read,
// that frame included, and handles it like any later one.
void IceTcpListener::onRead(PendingId id, const boost::system::error_code& error,
                            std::size_t bytes) {
  const auto found = pending_.find(id);
  if (found == pending_.end()) {
    return;
  }
  Pending& pending = *found->second;
  if (error) {
    finish(id, IceTcpHandshake::kPeerClosed);
    return;
  }
  pending.received.commit(bytes);
  media::StreamFramer peek = pending.received;
  const auto frame = peek.nextFrame();
  if (peek.failed()) {
    finish(id, IceTcpHandshake::kFraming);
  } else if (!frame) {
    readFirstFrame(id, pending);
  } else {
    handOff(id, pending, *frame);
  }
}

void IceTcpListener::handOff(PendingId id, Pending& pending, std::span<const std::uint8_t> frame) {
  const auto parsed = media::StunMessage::parse(frame);
  const auto username = parsed.message && parsed.message->isBindingRequest()
                            ? parsed.message->username()
                            : std::nullopt;
  if (!username) {
    finish(id, IceTcpHandshake::kNotStun);
    return;
  }
  // RFC 8445 §7.2.2: USERNAME is "<our ufrag>:<the peer's ufrag>".
  const auto shard = shards_.ufragDirectory().shardOf(username->substr(0, username->find(':')));
  if (!shard) {
    finish(id, IceTcpHandshake::kUnknownUfrag);
    return;
  }
  boost::system::error_code error;
  const auto remote = pending.socket.remote_endpoint(error);
  if (error) {
    finish(id, IceTcpHandshake::kPeerClosed);
    return;
  }
  TcpIceHandoff handoff;
  handoff.protocol = remote.protocol();
  handoff.remote = toSocketAddress(remote);
  handoff.received = pending.received;
  handoff.fd = UniqueFd(pending.socket.release(error));
  if (error) {
    finish(id, IceTcpHandshake::kPeerClosed);
    return;
  }
  finish(id, IceTcpHandshake::kHandedOff);  // counted before the shard can act on it
  shards_.shard(*shard).adoptTcpConnection(std::move(handoff));
}

// Counted once (a timer that fired just as the first frame completed finds nothing to finish),
// and before the socket closes, so a client that sees the close also sees the count.
void IceTcpListener::finish(PendingId id, IceTcpHandshake result) {
  const auto found = pending_.find(id);
  if (found == pending_.end()) {
    return;
  }
  handshakes_[static_cast<std::size_t>(result)].add();
  pending_.erase(found);
}

}  // namespace chorus::server
