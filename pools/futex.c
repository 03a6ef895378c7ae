/* futex: cold pool. Idle threads sleep on the pool's words with the platform
 * futex (Linux syscall, Atomics.wait under Emscripten). */
#include "backend.h"
#include "platform.h"

void pool_futex_wait(void *state, pool_channel ch, pool_word *word,
                     uint32_t expected, uint64_t timeout_ns) {
  (void)state, (void)ch;
  plat_futex_wait(word, expected, timeout_ns);
}

void pool_futex_wake(void *state, pool_channel ch, pool_word *word, int n) {
  (void)state, (void)ch;
  plat_futex_wake(word, n);
}

const pool_backend pool_backend_futex = {
    .name = "futex",
    .description = "cold: idle threads sleep on a futex word at once",
    .warm_default = false,
    .wait = pool_futex_wait,
    .wake = pool_futex_wake,
};
