#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace chorus::bench {

// Two UDP sockets on 127.0.0.1: one to send from, one that is never read. Once the receiver's
// buffer is full the kernel drops on delivery, so what a benchmark measures is the sender's
// cost (the system call, the copy, the loopback path).
class LoopbackPair {
 public:
  LoopbackPair()
      : sender_(socket(AF_INET, SOCK_DGRAM, 0)), receiver_(socket(AF_INET, SOCK_DGRAM, 0)) {
    sockaddr_in any{};
    any.sin_family = AF_INET;
    any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(target_);
    if (bind(receiver_, reinterpret_cast<sockaddr*>(&any), sizeof(any)) != 0 ||
        getsockname(receiver_, reinterpret_cast<sockaddr*>(&target_), &length) != 0) {
      throw std::runtime_error("cannot bind a loopback UDP socket");
    }
  }
  ~LoopbackPair() {
    close(sender_);
    close(receiver_);
  }
  LoopbackPair(const LoopbackPair&) = delete;
  LoopbackPair& operator=(const LoopbackPair&) = delete;

  int sender() const { return sender_; }
  const sockaddr_in& target() const { return target_; }

 private:
  int sender_;
  int receiver_;
  sockaddr_in target_{};
};

}  // namespace chorus::bench
