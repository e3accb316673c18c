#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace chorus::test {

struct HttpReply {
  int status = 0;    // 0 when nothing parseable came back
  std::string head;  // status line and headers
  std::string body;
  std::string raw;              // everything received, for pipelining tests
  bool closedByServer = false;  // an orderly close, not our receive timeout
};

// Sends `request` as raw bytes to 127.0.0.1:port and reads until the server closes (bounded by
// a 10 s receive timeout). Raw bytes let tests send what a well-behaved client never would.
HttpReply httpExchange(std::uint16_t port, std::string_view request);

// GET `target` with Connection: close.
HttpReply httpGet(std::uint16_t port, std::string_view target);

// Sends one UDP datagram to 127.0.0.1:port.
void sendDatagram(std::uint16_t port, std::string_view payload);

}  // namespace chorus::test
