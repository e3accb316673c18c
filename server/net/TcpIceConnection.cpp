#include "server/net/TcpIceConnection.h"

#include <algorithm>
#include <span>

#include <boost/asio/error.hpp>

namespace chorus::server {

static_assert(media::StreamFramer::kMaxFrame <= media::PacketSlot::kCapacity,
              "every frame the framer accepts fits a packet slot");

std::string_view toString(TcpCloseReason reason) noexcept {
  switch (reason) {
    case TcpCloseReason::kPeerClosed:
      return "peer_closed";
    case TcpCloseReason::kSocketError:
      return "socket_error";
    case TcpCloseReason::kFraming:
      return "framing";
    case TcpCloseReason::kUnauthenticated:
      return "unauthenticated";
    case TcpCloseReason::kTransportGone:
      return "transport_gone";
  }
  return "unknown";
}

TcpIceConnection::TcpIceConnection(boost::asio::ip::tcp::socket socket,
                                   const media::SocketAddress& remote,
                                   const media::StreamFramer& received, media::PacketPool& pool,
                                   media::PacketCounters& counters, TcpFrameReceiver& receiver)
    : socket_(std::move(socket)),
      remote_(remote),
      framer_(received),
      pool_(pool),
      counters_(counters),
      receiver_(receiver) {}

void TcpIceConnection::start() {
  deliverFrames();
  if (open_) {
    readMore();
  }
}

void TcpIceConnection::readMore() {
  const std::span<std::uint8_t> space = framer_.writable();
  socket_.async_read_some(
      boost::asio::buffer(space.data(), space.size()),
      [this](const boost::system::error_code& error, std::size_t bytes) { onRead(error, bytes); });
}

void TcpIceConnection::onRead(const boost::system::error_code& error, std::size_t bytes) {
  if (error == boost::asio::error::operation_aborted || !open_) {
    return;  // closed: see the NOTE in the header
  }
  if (error) {
    fail(error == boost::asio::error::eof || error == boost::asio::error::connection_reset
             ? TcpCloseReason::kPeerClosed
             : TcpCloseReason::kSocketError);
    return;
  }
  framer_.commit(bytes);
  deliverFrames();
  if (open_) {
    readMore();
  }
}

// Each frame goes to the receiver in its own pool packet, as a datagram would; the receiver may
// close the connection from inside onFrame, which ends the loop.
void TcpIceConnection::deliverFrames() {
  while (open_) {
    const auto frame = framer_.nextFrame();
    if (!frame) {
      break;
    }
    media::PacketRef packet = pool_.acquire();
    if (!packet) {
      counters_.countDrop(media::DropReason::kPoolExhausted);
      continue;
    }
    std::copy(frame->begin(), frame->end(), packet->bytes.begin());
    packet->length = frame->size();
    receiver_.onFrame(*this, packet);
  }
  if (open_ && framer_.failed()) {
    fail(TcpCloseReason::kFraming);
  }
}

void TcpIceConnection::send(media::PacketRef packet) {
  if (!open_) {
    counters_.countDrop(media::DropReason::kTcpClosed);
    return;
  }
  if (queued_ == kSendQueuePackets) {
    counters_.countDrop(media::DropReason::kTcpBackpressure);
    return;
  }
  const std::size_t index = (head_ + queued_) % kSendQueuePackets;
  media::writeFrameLength(prefixes_[index], packet->length);
  queue_[index] = std::move(packet);
  ++queued_;
  if (writing_ == 0) {
    writeQueued();
  }
}

// One gathered write of up to kWriteBatch queued packets, each behind its length prefix.
// Packets queued while it is under way go in the next one.
void TcpIceConnection::writeQueued() {
  writing_ = std::min(queued_, kWriteBatch);
  for (std::size_t i = 0; i < writing_; ++i) {
    const std::size_t index = (head_ + i) % kSendQueuePackets;
    gather_[2 * i] = boost::asio::buffer(prefixes_[index]);
    gather_[2 * i + 1] = boost::asio::buffer(queue_[index]->bytes.data(), queue_[index]->length);
  }
  gatherBegin_ = 0;
  gatherEnd_ = 2 * writing_;
  writeSome();
}

void TcpIceConnection::writeSome() {
  socket_.async_write_some(std::span<const boost::asio::const_buffer>(gather_).subspan(
                               gatherBegin_, gatherEnd_ - gatherBegin_),
                           [this](const boost::system::error_code& error, std::size_t bytes) {
                             onWritten(error, bytes);
                           });
}

// The kernel may take part of the gathered write: the rest is written before the batch's
// packets go back to the pool.
void TcpIceConnection::onWritten(const boost::system::error_code& error, std::size_t bytes) {
  if (error == boost::asio::error::operation_aborted || !open_) {
    return;  // closed: see the NOTE in the header
  }
  if (error) {
    fail(error == boost::asio::error::broken_pipe || error == boost::asio::error::connection_reset
             ? TcpCloseReason::kPeerClosed
             : TcpCloseReason::kSocketError);
    return;
  }
  while (bytes > 0 && gatherBegin_ < gatherEnd_) {
    boost::asio::const_buffer& next = gather_[gatherBegin_];
    const std::size_t taken = std::min(bytes, next.size());
    next += taken;
    bytes -= taken;
    if (next.size() == 0) {
      ++gatherBegin_;
    }
  }
  if (gatherBegin_ < gatherEnd_) {
    writeSome();
    return;
  }
  for (std::size_t i = 0; i < writing_; ++i) {
    media::PacketRef& sent = queue_[(head_ + i) % kSendQueuePackets];
    counters_.countSent(sent->data());
    sent.reset();
  }
  head_ = (head_ + writing_) % kSendQueuePackets;
  queued_ -= writing_;
  writing_ = 0;
  if (queued_ > 0) {
    writeQueued();
  }
}

void TcpIceConnection::close() noexcept {
  if (!open_) {
    return;
  }
  open_ = false;
  boost::system::error_code ignored;
  socket_.close(ignored);
  for (media::PacketRef& packet : queue_) {
    packet.reset();
  }
  queued_ = 0;
}

void TcpIceConnection::fail(TcpCloseReason reason) {
  close();
  receiver_.onConnectionClosed(*this, reason);
}

}  // namespace chorus::server
