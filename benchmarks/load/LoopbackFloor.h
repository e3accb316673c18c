#pragma once

#include "benchmarks/load/LoadRun.h"

namespace chorus::bench {

// The harness-to-harness floor of one-way delay (issue 8): the `rooms` scenario's media with no
// server, each publisher sending straight to the other members of its room over loopback, as
// a mesh would. Every participant has a sending and a receiving UDP socket (server/net's
// UdpEndpoint, as ClientTransport), the same synthetic sources, the same 2 ms tick, SRTP
// (AEAD_AES_128_GCM, keys fixed here: no DTLS) and the same ReceiveTracker with the
// scenario's delay source and sampling. A publisher protects a packet once and sends the same
// bytes to each receiver, so the receivers see what they see behind a server (the same packet
// rate per receiver) while nothing forwards. What is left is the harness's own send and
// receive path and the kernel's loopback: the delay a server cannot go below when measured by
// this harness.
RunResult runLoopbackFloor(const RoomsScenario& scenario, bool pin);

}  // namespace chorus::bench
