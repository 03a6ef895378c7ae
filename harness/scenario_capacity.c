/* capacity: the same-run reference for how much CPU the run gets. P plain
 * threads (no pool) each run the delay kernel for WORK_NS at once; capacity =
 * P x WORK_NS / the wall time until the last one finished, in cores: ~P on a
 * quiet machine with P cores. Another process holding a core shows here as a
 * core less, where the round trips may not show it at all (a spinning pair
 * keeps its two cores while a third thread waits), yet every parallel figure
 * of the run is off. The report and the gate call a run noisy on it. */
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "harness_internal.h"
#include "platform.h"
#include "scenarios.h"

#define WORK_NS 20000000.0        /* 20 ms: longer than a scheduler time slice */
#define REPS 7                    /* the first is dropped, as everywhere */
#define DEADLINE_NS 5000000000u   /* a thread that never finishes: an error, not a hang */

typedef struct cap {
  alignas(64) atomic_uint go;   /* the repetition the threads run now */
  alignas(64) atomic_int done;  /* threads that finished it */
  alignas(64) atomic_bool stop;
  uint64_t iters;
} cap;

static void *worker(void *arg) {
  cap *c = arg;
  unsigned seen = 0;
  for (;;) {
    unsigned g;
    while ((g = atomic_load_explicit(&c->go, memory_order_acquire)) == seen) {
      if (atomic_load_explicit(&c->stop, memory_order_relaxed)) return NULL;
      plat_cpu_relax();
    }
    seen = g;
    harness_spin_iters(c->iters);
    atomic_fetch_add_explicit(&c->done, 1, memory_order_release);
  }
}

/* One repetition's capacity, or -1 when a thread did not finish in time. */
static double once(cap *c, int threads, unsigned rep) {
  atomic_store_explicit(&c->done, 0, memory_order_relaxed);
  uint64_t t0 = plat_now_ns();
  atomic_store_explicit(&c->go, rep, memory_order_release);
  harness_spin_iters(c->iters);
  while (atomic_load_explicit(&c->done, memory_order_acquire) < threads - 1) {
    if (plat_now_ns() - t0 > DEADLINE_NS) return -1;
    plat_yield();
  }
  return threads * WORK_NS / (double)(plat_now_ns() - t0);
}

int scenario_capacity_measure(harness *h, int threads) {
  cap *c = aligned_alloc(64, sizeof(cap));
  pthread_t th[POOL_MAX_THREADS];
  if (!c || threads < 1 || threads > POOL_MAX_THREADS) {
    free(c);
    scenario_error(h, NULL, "capacity", "out of memory or threads out of range");
    return -1;
  }
  atomic_init(&c->go, 0);
  atomic_init(&c->done, 0);
  atomic_init(&c->stop, false);
  c->iters = harness_work_iters(h, WORK_NS);
  int started = 0, rc = 0;
  while (started < threads - 1 && pthread_create(&th[started], NULL, worker, c) == 0) started++;
  double samples[REPS];
  int n = 0;
  if (started < threads - 1) {
    scenario_error(h, NULL, "capacity", "could only create %d of %d threads", started, threads - 1);
    rc = -1;
  }
  for (unsigned rep = 1; rc == 0 && rep <= REPS; rep++) {
    double v = once(c, threads, rep);
    if (v < 0) {
      scenario_error(h, NULL, "capacity", "a thread did not finish %.0f ms of work in 5 s",
                     WORK_NS / 1e6);
      rc = -1;
    } else if (rep > 1) {
      samples[n++] = v;
    }
  }
  atomic_store(&c->stop, true);
  for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
  free(c);
  if (rc != 0) return rc;
  harness_result r;
  if (harness_result_from(samples, n, &r) != 0) return -1;
  harness_key k = {"capacity", "threads", "default", threads, (uint64_t)threads, WORK_NS};
  harness_emit(h, &k, "cores", &r, NULL, 0, NULL, 0);
  harness_result_free(&r);
  return 0;
}
