/* Linux: the futex syscall and clock_gettime. */
#define _GNU_SOURCE
#include "platform.h"

#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int plat_futex_wait(pool_word *addr, uint32_t expected, uint64_t timeout_ns) {
  struct timespec ts = {(time_t)(timeout_ns / 1000000000u),
                        (long)(timeout_ns % 1000000000u)};
  /* Private futex: the pool never shares its words across processes. */
  long r = syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_PRIVATE, expected,
                   &ts, NULL, 0);
  return (r == -1 && errno == ETIMEDOUT) ? 1 : 0;
}

void plat_futex_wake(pool_word *addr, int n) {
  syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

void plat_publish_u64(pool_u64 *p, uint64_t v) {
  atomic_store_explicit(p, v, memory_order_relaxed);
}

void plat_publish_u32(pool_word *p, uint32_t v) {
  atomic_store_explicit(p, v, memory_order_relaxed);
}

void plat_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

void plat_yield(void) { sched_yield(); }

bool plat_yield_sleeps(void) { return false; }

bool plat_spin_rt_physical(void) { return true; }

uint64_t plat_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int plat_cpu_count(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

void plat_sleep_ns(uint64_t ns) {
  struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
  while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
  }
}

int plat_current_cpu(void) {
  int c = sched_getcpu();
  return c < 0 ? 0 : c;
}

int plat_idle_priority(void) {
  struct sched_param sp = {0};
  return pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp) == 0 ? 0 : -1;
}

int plat_pin_thread(pthread_t thread, int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(thread, sizeof set, &set) == 0 ? 0 : -1;
}
