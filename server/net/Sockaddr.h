#pragma once

#include <sys/socket.h>

#include "media/wire/SocketAddress.h"

namespace chorus::server {

// Conversions between the kernel's socket addresses and media's plain SocketAddress. An
// IPv4-mapped IPv6 address (::ffff:a.b.c.d, from a dual-stack socket) becomes plain IPv4, so a
// peer has one identity whichever socket family it arrived on.
media::SocketAddress toSocketAddress(const sockaddr_storage& address);
socklen_t toSockaddr(const media::SocketAddress& address, sockaddr_storage& out);

}  // namespace chorus::server
