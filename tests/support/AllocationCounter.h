#pragma once

#include <cstdint>

namespace chorus::test {

// Heap allocations made by the calling thread so far: calls to the global operator new, and
// calls into OpenSSL's allocator. A test binary that links AllocationCounter.cpp replaces the
// global operator new with a counting one and installs counting CRYPTO_set_mem_functions hooks
// from a static initialiser (OpenSSL accepts them only before its first allocation). Tests
// compare two readings around the code that must not allocate.
struct AllocationCount {
  std::uint64_t operatorNew = 0;
  std::uint64_t openssl = 0;
};

AllocationCount allocationsOnThisThread();

// False if OpenSSL allocated before the hooks went in: its allocations are then not counted.
bool opensslAllocationsCounted();

}  // namespace chorus::test
