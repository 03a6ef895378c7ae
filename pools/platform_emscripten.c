/* Emscripten: futexes are Atomics.wait/notify on the shared heap. */
#include "platform.h"

#include <emscripten/threading.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>

int plat_futex_wait(pool_word *addr, uint32_t expected, uint64_t timeout_ns) {
  /* On a browser main thread this silently busy-spins: Atomics.wait throws
   * there. The pools never wait on such a thread for long (finite slices). */
  int r = emscripten_futex_wait((void *)addr, expected, (double)timeout_ns / 1e6);
  return r == -ETIMEDOUT ? 1 : 0;
}

void plat_futex_wake(pool_word *addr, int n) {
  emscripten_futex_wake((void *)addr, n);
}

void plat_cpu_relax(void) {}

uint64_t plat_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int plat_cpu_count(void) { return emscripten_num_logical_cores(); }

void plat_sleep_ns(uint64_t ns) {
  struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
  nanosleep(&ts, NULL);
}

int plat_current_cpu(void) { return 0; }

int plat_pin_self(int cpu) {
  (void)cpu; /* Web Workers cannot be pinned */
  return -1;
}
