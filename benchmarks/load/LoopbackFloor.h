#pragma once

#include "benchmarks/load/LoadRun.h"

namespace chorus::bench {

// The harness-to-harness floor of one-way delay (issue 8): the `rooms` scenario's media with no
// server. Every participant has a sending and a receiving UDP socket (server/net's UdpEndpoint,
// as ClientTransport), the same synthetic sources, the same 2 ms tick, SRTP (AEAD_AES_128_GCM,
// keys fixed here: no DTLS) and the same ReceiveTracker with the scenario's delay source and
// sampling. With pairs, each publisher sends straight to one receiver (the next member of its
// room): the harness sends what it sends behind a server and receives 1/(P-1) of it, so this
// is a lower bound of its own path plus the kernel's loopback. With `mesh`, each publisher
// sends to every other member (protected once, the same bytes to each): receivers get the
// packet rate they get behind a server, but the harness also sends P-1 times as much, so this
// is heavier than a server run for the harness.
RunResult runLoopbackFloor(const RoomsScenario& scenario, bool pin, bool mesh);

}  // namespace chorus::bench
