#include "tests/integration/HttpProbe.h"

#include <arpa/inet.h>
#include <array>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace chorus::test {
namespace {

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

class Socket {
 public:
  explicit Socket(int type) : fd_(socket(AF_INET, type, 0)) {
    if (fd_ < 0) {
      throw std::runtime_error("socket failed");
    }
  }
  ~Socket() { close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

HttpReply parseReply(std::string raw) {
  HttpReply reply;
  reply.raw = std::move(raw);
  const std::size_t headEnd = reply.raw.find("\r\n\r\n");
  if (!reply.raw.starts_with("HTTP/1.") || headEnd == std::string::npos) {
    return reply;
  }
  reply.status = std::stoi(reply.raw.substr(9, 3));
  reply.head = reply.raw.substr(0, headEnd);
  reply.body = reply.raw.substr(headEnd + 4);
  return reply;
}

}  // namespace

HttpReply httpExchange(std::uint16_t port, std::string_view request) {
  const Socket socket(SOCK_STREAM);
  const timeval timeout{10, 0};
  setsockopt(socket.fd(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  const sockaddr_in address = loopback(port);
  if (connect(socket.fd(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    throw std::runtime_error("connect to chorusd failed");
  }
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t count =
        send(socket.fd(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (count <= 0) {
      break;  // the server may answer and close before reading an oversized request
    }
    sent += static_cast<std::size_t>(count);
  }
  std::string raw;
  std::array<char, 16384> chunk{};
  ssize_t count = 0;
  while ((count = recv(socket.fd(), chunk.data(), chunk.size(), 0)) > 0) {
    raw.append(chunk.data(), static_cast<std::size_t>(count));
  }
  HttpReply reply = parseReply(std::move(raw));
  reply.closedByServer = count == 0;
  return reply;
}

HttpReply httpGet(std::uint16_t port, std::string_view target) {
  return httpExchange(port, "GET " + std::string(target) +
                                " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
}

void sendDatagram(std::uint16_t port, std::string_view payload) {
  const Socket socket(SOCK_DGRAM);
  const sockaddr_in address = loopback(port);
  sendto(socket.fd(), payload.data(), payload.size(), 0,
         reinterpret_cast<const sockaddr*>(&address), sizeof(address));
}

}  // namespace chorus::test
