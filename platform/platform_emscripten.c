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

void plat_publish_u64(pool_u64 *p, uint64_t v) { *(volatile uint64_t *)p = v; }

void plat_publish_u32(pool_word *p, uint32_t v) { *(volatile uint32_t *)p = v; }

void plat_cpu_relax(void) {}

/* 1 us asked; what it takes is the engine's and the kernel's shortest timed
 * wait. A private word: nobody ends it early. */
void plat_yield(void) {
  static pool_word never;
  emscripten_futex_wait((void *)&never, 0, 0.001);
}

bool plat_yield_sleeps(void) { return true; }

bool plat_spin_rt_physical(void) { return false; }

uint64_t plat_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int plat_cpu_count(void) { return emscripten_num_logical_cores(); }

/* Not nanosleep: on the main runtime thread Emscripten sleeps in 1 ms slices
 * (to run calls proxied to it), a thousand wake-ups a second whose CPU would
 * be charged to whatever pool sits idle meanwhile.
 * Slices of 100 ms, as on other threads: a proxied call (a pthread's printf)
 * waits at most that long. Nothing ever wakes this word. */
void plat_sleep_ns(uint64_t ns) {
  static pool_word never;
  uint64_t end = plat_now_ns() + ns;
  for (uint64_t now = plat_now_ns(); now < end; now = plat_now_ns()) {
    uint64_t left = end - now;
    emscripten_futex_wait((void *)&never, 0, (double)(left < 100000000u ? left : 100000000u) / 1e6);
  }
}

int plat_current_cpu(void) { return 0; }

int plat_idle_priority(void) { return -1; /* Web Workers have no classes */ }

int plat_pin_thread(pthread_t thread, int cpu) {
  (void)thread, (void)cpu; /* Web Workers cannot be pinned */
  return -1;
}
