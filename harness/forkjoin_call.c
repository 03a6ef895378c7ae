/* The fork-join call (forkjoin_call.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "call_clock.h"
#include "forkjoin_call.h"
#include "harness_internal.h"
#include "platform.h"
#include "stats.h"
#include "watchdog.h"

/* Bounded, so a pool that never joins costs one such wait, not a hang;
 * long enough for a cold worker's wake-up under load (100 ms was not: under
 * Node on a machine with twice as many busy threads as cores, spaced calls
 * of cold pools saw a worker arrive later than that). */
#define ARRIVAL_WAIT_NS 1000000000u
/* A waiting item gives its CPU away this often: with more threads than CPUs
 * the one it waits for may need it. */
#define YIELD_EVERY_NS 50000u

/* Waits until the call's P items started (arrived reaches target). The
 * clock is read every 64 polls: a read per poll would slow the poll. */
static void wait_for_all(fj_ctx *f, uint64_t target) {
  uint64_t now = plat_now_ns(), until = now + ARRIVAL_WAIT_NS;
  uint64_t yield_at = f->yield_ns == UINT64_MAX ? UINT64_MAX : now + f->yield_ns;
  uint64_t seen;
  for (unsigned i = 1; (seen = atomic_load_explicit(&f->arrived, memory_order_acquire)) < target; i++) {
    plat_cpu_relax();
    if (i % 64) continue;
    now = plat_now_ns();
    if (now > until) {
      if (!atomic_exchange(&f->failed, true))
        atomic_store(&f->arrived_at_failure, (int)(seen + (uint64_t)f->threads - target));
      return;
    }
    if (now >= yield_at) {
      plat_yield();
      yield_at = now + f->yield_ns; /* not reached when never */
    }
  }
}

/* Back-to-back calls (batch) read no clock in the items: their median is the
 * pool's fork-join, not two clock reads and a shared CAS per item. */
static void item(void *ctx, size_t begin, size_t end) {
  fj_ctx *f = ctx;
  for (size_t i = begin; i < end; i++) {
    uint64_t p = (uint64_t)f->threads;
    uint64_t v = atomic_fetch_add_explicit(&f->arrived, 1, memory_order_acq_rel) + 1;
    uint64_t target = (v + p - 1) / p * p;
    if (v == target) {
      if (f->stamp) atomic_store_explicit(&f->last_arrival, call_clock_now_ns(f->clock), memory_order_relaxed);
    } else if (!atomic_load_explicit(&f->failed, memory_order_relaxed)) {
      wait_for_all(f, target);
    }
    if (!f->stamp) continue;
    uint64_t t = call_clock_now_ns(f->clock), seen = atomic_load_explicit(&f->last_end, memory_order_relaxed);
    while (t > seen && !atomic_compare_exchange_weak_explicit(&f->last_end, &seen, t,
                                                               memory_order_relaxed,
                                                               memory_order_relaxed)) {
    }
  }
}

void fj_call(fj_ctx *f) {
  if (f->stamp) atomic_store_explicit(&f->last_end, 0, memory_order_relaxed);
  scenario_parallel_for(f->p, 0, (size_t)f->threads, 1, item, f);
}

void fj_batch(void *ctx, uint64_t iters) {
  for (uint64_t i = 0; i < iters; i++) fj_call(ctx);
}

double fj_timed_call(fj_ctx *f, double *fork, double *join) {
  f->stamp = true;
  uint64_t t0 = call_clock_now_ns(f->clock);
  fj_call(f);
  uint64_t t1 = call_clock_now_ns(f->clock);
  f->stamp = false;
  *fork = (double)(int64_t)(atomic_load(&f->last_arrival) - t0);
  *join = (double)(int64_t)(t1 - atomic_load(&f->last_end));
  return (double)(t1 - t0);
}

bool fj_extras(harness *h, const target *t, const char *scenario, fj_ctx *f,
               const pool_stats_t *a, const pool_stats_t *b, double *fork, double *join,
               size_t n, harness_extra *ex) {
  double items = (double)(b->items - a->items);
  if (atomic_load(&f->failed) || items <= 0) {
    scenario_error(h, t, scenario, "did not join: %d of %d arrived within %.0f ms",
                   atomic_load(&f->arrived_at_failure), t->threads, ARRIVAL_WAIT_NS / 1e6);
    return false;
  }
  bool clock = call_clock_shared(f->clock);
  ex[0] = (harness_extra){"worker_share", (items - (double)(b->caller_items - a->caller_items)) / items};
  ex[1] = (harness_extra){"fork_ns", clock ? stats_of(fork, n).median : NAN};
  ex[2] = (harness_extra){"join_ns", clock ? stats_of(join, n).median : NAN};
  return true;
}

pool *fj_begin(harness *h, const target *t, const char *scenario, fj_run *r) {
  memset(r, 0, sizeof *r);
  r->calls = harness_opts(h)->quick ? 50 : 200;
  r->lat = malloc(r->calls * sizeof *r->lat);
  r->fork = malloc(r->calls * sizeof *r->fork);
  r->join = malloc(r->calls * sizeof *r->join);
  if (!r->lat || !r->fork || !r->join) {
    scenario_error(h, t, scenario, "out of memory");
    return NULL;
  }
  r->f.threads = t->threads;
  r->f.clock = harness_call_clock(h);
  /* With more threads than cores the awaited item may need this CPU: give
   * it away at once (natively a yield returns at once when nobody waits).
   * Otherwise now and then, but where a yield is a sleep (Wasm) never: a
   * cold worker's wake-up would be timed with a sleep added. */
  bool over = t->threads > plat_cpu_count();
  r->f.yield_ns = over ? 0 : plat_yield_sleeps() ? UINT64_MAX : YIELD_EVERY_NS;
  return r->f.p = scenario_pool(h, t, scenario); /* NULL: it said why */
}

void fj_end(harness *h, fj_run *r) {
  if (r->f.p) scenario_release(h, r->f.p);
  free(r->lat), free(r->fork), free(r->join);
}
