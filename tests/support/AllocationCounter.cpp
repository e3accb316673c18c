#include "tests/support/AllocationCounter.h"

#include <cstdlib>
#include <new>

#include <openssl/crypto.h>

namespace {

thread_local std::uint64_t operatorNewCalls = 0;
thread_local std::uint64_t opensslCalls = 0;

// The shims below hand raw memory to OpenSSL and to operator new's callers: owning raw
// pointers are their whole job.
// NOLINTBEGIN(cppcoreguidelines-owning-memory,cppcoreguidelines-no-malloc)
void* countingMalloc(std::size_t size, const char* /*file*/, int /*line*/) {
  ++opensslCalls;
  return std::malloc(size);
}

void* countingRealloc(void* memory, std::size_t size, const char* /*file*/, int /*line*/) {
  ++opensslCalls;
  return std::realloc(memory, size);
}

void countingFree(void* memory, const char* /*file*/, int /*line*/) {
  std::free(memory);
}

const bool kOpensslHooksInstalled =
    CRYPTO_set_mem_functions(countingMalloc, countingRealloc, countingFree) == 1;

}  // namespace

void* operator new(std::size_t size) {
  ++operatorNewCalls;
  if (void* memory = std::malloc(size == 0 ? 1 : size)) {
    return memory;
  }
  throw std::bad_alloc();
}

void operator delete(void* memory) noexcept {
  std::free(memory);
}

void operator delete(void* memory, std::size_t /*size*/) noexcept {
  std::free(memory);
}
// NOLINTEND(cppcoreguidelines-owning-memory,cppcoreguidelines-no-malloc)

namespace chorus::test {

AllocationCount allocationsOnThisThread() {
  return {operatorNewCalls, opensslCalls};
}

bool opensslAllocationsCounted() {
  return kOpensslHooksInstalled;
}

}  // namespace chorus::test
