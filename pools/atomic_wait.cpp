// atomic_wait: idle threads block in C++20 std::atomic<uint32_t>::wait.
// The standard wait has no timeout, so the core's sliced waits become one wait
// here; destroy still ends it because it changes the word and notifies.
// Under Emscripten's libc++ this polls and sleeps instead of using a futex:
// that cost is what the benchmark shows, on purpose.
#include "backend.h"

static void aw_wait(void *, pool_channel, pool_word *word, uint32_t expected,
                    uint64_t) {
  word->wait(expected, std::memory_order_acquire);
}

static void aw_wake(void *, pool_channel, pool_word *word, int n) {
  if (n == 1)
    word->notify_one();
  else
    word->notify_all();
}

static_assert(sizeof(pool_word) == sizeof(uint32_t), "pool_word layout");

extern "C" const pool_backend pool_backend_atomic_wait = {
    "atomic_wait",
    "C++20 std::atomic<uint32_t>::wait/notify",
    false,
    0,
    nullptr,
    nullptr,
    nullptr,
    aw_wait,
    aw_wake,
    nullptr,
    false,
};
