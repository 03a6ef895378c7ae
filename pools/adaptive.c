/* adaptive: warm pool whose idle spin budget is calibrated on this machine.
 *
 * Reasoning: an idle thread that spins for as long as a sleep-and-wake costs
 * never pays more than twice the optimum, whatever the gap to the next call
 * (the classic 2-competitive spin-then-block rule). Blocking costs one
 * wake-up, half of a measured futex round trip between two threads (the
 * harness's futex ping-pong), so that is the budget, clamped to
 * [10 us, 1 ms]: back-to-back calls find the workers spinning, longer gaps
 * cost at most one wake-up, and an idle pool stops burning CPU after about one
 * wake-up's time. Measured once per process.
 *
 * Solo: where the kernel puts a woken worker on the caller's CPU (no affinity
 * under Wasm, hosts that pack vCPUs), waking it only swaps who runs the
 * chunks and adds two context switches. The core spots such a call and stops
 * waking for a while (pool_solo.c). */
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "backend.h"
#include "platform.h"

#define ROUND_TRIPS 32
#define MIN_BUDGET_NS 10000u
#define MAX_BUDGET_NS 1000000u
#define SLICE_NS 100000000u

typedef struct calib {
  alignas(64) pool_word ping;
  alignas(64) pool_word pong;
} calib;

typedef struct calib_arg {
  calib *c;
  int cpu;
} calib_arg;

static void *partner(void *arg) {
  calib_arg *a = arg;
  calib *c = a->c;
  /* On another CPU, as the pool's pinned workers are: the wake-up that
   * matters crosses CPUs (on one CPU it is several times cheaper). */
  if (a->cpu >= 0) plat_pin_thread(pthread_self(), a->cpu);
  for (uint32_t i = 1; i <= ROUND_TRIPS; i++) {
    while (atomic_load(&c->ping) < i) plat_futex_wait(&c->ping, i - 1, SLICE_NS);
    atomic_store(&c->pong, i);
    plat_futex_wake(&c->pong, 1);
  }
  return NULL;
}

static uint64_t budget_ns = POOL_DEFAULT_SPIN_NS;

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static void calibrate(void) {
  calib *c = aligned_alloc(64, sizeof(calib));
  pthread_t th;
  if (!c) return;
  atomic_init(&c->ping, 0);
  atomic_init(&c->pong, 0);
  int n = plat_cpu_count();
  calib_arg arg = {c, n > 1 ? (plat_current_cpu() + 1) % n : -1};
  if (pthread_create(&th, NULL, partner, &arg) != 0) {
    free(c);
    return; /* keep the default budget */
  }
  uint64_t rt[ROUND_TRIPS];
  for (uint32_t i = 1; i <= ROUND_TRIPS; i++) {
    uint64_t t0 = plat_now_ns();
    atomic_store(&c->ping, i);
    plat_futex_wake(&c->ping, 1);
    while (atomic_load(&c->pong) < i) plat_futex_wait(&c->pong, i - 1, SLICE_NS);
    rt[i - 1] = plat_now_ns() - t0;
  }
  pthread_join(th, NULL);
  free(c);
  qsort(rt, ROUND_TRIPS, sizeof *rt, cmp_u64);
  uint64_t median = rt[ROUND_TRIPS / 2] / 2; /* one wake-up: half a round trip */
  budget_ns = median < MIN_BUDGET_NS ? MIN_BUDGET_NS : median > MAX_BUDGET_NS ? MAX_BUDGET_NS : median;
}

static uint64_t adaptive_budget(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, calibrate);
  return budget_ns;
}

const pool_backend pool_backend_adaptive = {
    .name = "adaptive",
    .description = "warm, spins for one measured futex wake-up (half a round trip: 2-competitive), then sleeps; "
                   "solo while a woken worker runs in the caller's place",
    .warm_default = true,
    .solo_when_starved = true,
    .spin_budget_ns = adaptive_budget,
    .wait = pool_futex_wait,
    .wake = pool_futex_wake,
};
