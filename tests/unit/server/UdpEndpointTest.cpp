#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include <gtest/gtest.h>

#include "server/net/Sockaddr.h"
#include "server/net/UdpEndpoint.h"

namespace chorus::server {
namespace {
namespace asio = boost::asio;

// Keeps what it is told, and keeps every packet it is handed (so the pool can run dry).
class RecordingReceiver : public DatagramReceiver {
 public:
  void onDatagram(media::PacketRef& packet, const media::SocketAddress& from) override {
    payloads.emplace_back(packet->data().begin(), packet->data().end());
    senders.push_back(from);
    if (keepPackets) {
      kept.push_back(std::move(packet));
    }
  }
  void onBatchEnd() override { ++batches; }

  bool keepPackets = false;
  std::vector<std::string> payloads;
  std::vector<media::SocketAddress> senders;
  std::vector<media::PacketRef> kept;
  int batches = 0;
};

class UdpEndpointTest : public ::testing::Test {
 protected:
  // Runs the endpoint's loop until `done` or a 10 s bound.
  template <typename Done>
  void runUntil(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      context_.run_for(std::chrono::milliseconds(10));
      context_.restart();
    }
  }
  void sendFromClient(const std::string& payload) {
    client_.send_to(asio::buffer(payload), endpoint_.localEndpoint());
  }

  asio::io_context context_{1};
  media::PacketCounters counters_;
  media::PacketPool pool_{80};
  RecordingReceiver receiver_;
  UdpEndpoint endpoint_{
      context_, {asio::ip::make_address("127.0.0.1"), 0}, 1 << 20, pool_, counters_, receiver_};
  asio::io_context clientContext_;
  asio::ip::udp::socket client_{clientContext_, {asio::ip::make_address("127.0.0.1"), 0}};
};

TEST_F(UdpEndpointTest, ReceivesDatagramsInBatchesWithTheirSender) {
  endpoint_.start();
  for (int i = 0; i < 40; ++i) {
    sendFromClient("packet " + std::to_string(i));
  }
  runUntil([&] { return receiver_.payloads.size() == 40; });
  ASSERT_EQ(receiver_.payloads.size(), 40U);
  EXPECT_EQ(receiver_.payloads.front(), "packet 0");
  EXPECT_EQ(receiver_.payloads.back(), "packet 39");
  EXPECT_EQ(receiver_.senders.front().port, client_.local_endpoint().port());
  EXPECT_EQ(receiver_.senders.front().toString(),
            "127.0.0.1:" + std::to_string(client_.local_endpoint().port()));
  EXPECT_GE(receiver_.batches, 2);  // 40 datagrams do not fit one batch of 32
  EXPECT_EQ(pool_.available(), pool_.capacity() - UdpEndpoint::kBatch);  // only the rx slots
}

TEST_F(UdpEndpointTest, SendsQueuedPacketsWithSendmmsgAndCountsThem) {
  const auto to = toSocketAddress([&] {
    sockaddr_storage storage{};
    const auto endpoint = client_.local_endpoint();
    std::memcpy(&storage, endpoint.data(), endpoint.size());
    return storage;
  }());
  for (int i = 0; i < 3; ++i) {
    media::PacketRef packet = pool_.acquire();
    const std::string text = "out " + std::to_string(i);
    std::copy(text.begin(), text.end(), packet->bytes.begin());
    packet->length = text.size();
    endpoint_.send(std::move(packet), to);
  }
  EXPECT_EQ(counters_.datagramsSent.value(), 0U);  // queued until flushed
  endpoint_.flush();
  EXPECT_EQ(counters_.datagramsSent.value(), 3U);
  EXPECT_EQ(counters_.bytesSent.value(), 15U);
  EXPECT_EQ(pool_.available(), pool_.capacity());  // sent packets went back to the pool
  std::array<char, 64> buffer{};
  const std::size_t size = client_.receive(asio::buffer(buffer));
  EXPECT_EQ(std::string(buffer.data(), size), "out 0");
}

TEST_F(UdpEndpointTest, OversizedDatagramIsDroppedAsTruncated) {
  endpoint_.start();
  sendFromClient(std::string(media::PacketSlot::kCapacity + 1, 'x'));
  sendFromClient("fits");
  runUntil([&] { return receiver_.payloads.size() == 1; });
  ASSERT_EQ(receiver_.payloads.size(), 1U);
  EXPECT_EQ(receiver_.payloads.front(), "fits");
  EXPECT_EQ(
      counters_.datagramsDropped[static_cast<std::size_t>(media::DropReason::kTruncated)].value(),
      1U);
}

TEST_F(UdpEndpointTest, EmptyPoolDropsAndCountsInsteadOfAllocating) {
  receiver_.keepPackets = true;  // hold every slot: 80 in the pool
  endpoint_.start();
  for (int i = 0; i < 100; ++i) {
    sendFromClient("held " + std::to_string(i));
  }
  const auto& exhausted =
      counters_.datagramsDropped[static_cast<std::size_t>(media::DropReason::kPoolExhausted)];
  runUntil([&] { return receiver_.payloads.size() + exhausted.value() == 100; });
  EXPECT_EQ(receiver_.payloads.size(), 80U);
  EXPECT_EQ(exhausted.value(), 20U);
}

TEST(UdpEndpointOverflowTest, DatagramsTheKernelDroppedAreCounted) {
  asio::io_context context{1};
  media::PacketCounters counters;
  media::PacketPool pool(1024);
  RecordingReceiver receiver;
  // A tiny receive buffer (the kernel doubles it and keeps a floor) that 500 datagrams overflow.
  UdpEndpoint endpoint(context, {asio::ip::make_address("127.0.0.1"), 0}, 4096, pool, counters,
                       receiver);
  asio::io_context clientContext;
  asio::ip::udp::socket client(clientContext, {asio::ip::make_address("127.0.0.1"), 0});
  const std::string payload(200, 'p');
  constexpr std::size_t kSent = 500;
  for (std::size_t i = 0; i < kSent; ++i) {
    client.send_to(asio::buffer(payload), endpoint.localEndpoint());
  }
  endpoint.start();
  const auto& overflow =
      counters.datagramsDropped[static_cast<std::size_t>(media::DropReason::kSocketOverflow)];
  // The kernel reports its drop count with the datagrams that follow them: send one more once
  // the queue is drained so the last drops are reported too.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool sentLast = false;
  while (receiver.payloads.size() + overflow.value() < kSent + 1 &&
         std::chrono::steady_clock::now() < deadline) {
    context.run_for(std::chrono::milliseconds(10));
    context.restart();
    if (!sentLast) {
      client.send_to(asio::buffer(payload), endpoint.localEndpoint());
      sentLast = true;
    }
  }
  EXPECT_GT(overflow.value(), 0U);
  EXPECT_EQ(receiver.payloads.size() + overflow.value(), kSent + 1);
}

}  // namespace
}  // namespace chorus::server
