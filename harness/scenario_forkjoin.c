/* forkjoin: EPCC's PARALLEL for any pool. N = P items, one per chunk; each
 * item marks its arrival and waits until all P have started, so every thread
 * joins every call: the pool's fork-join cost, where dispatch (empty items)
 * lets a caller that is quick enough run them all alone.
 * forkjoin_spaced: the same call 1 ms apart, each timed alone, so sleeping
 * threads are really asleep when it comes (cold targets, and the runtimes
 * with modes of their own).
 * A pool that cannot bring every thread in records that, never a time. */
#include <math.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "call_clock.h"
#include "harness_internal.h"
#include "platform.h"
#include "scenarios.h"
#include "watchdog.h"
#include "stats.h"

/* Bounded, so a pool that never joins costs one such wait, not a hang;
 * long enough for a cold worker's wake-up under load (100 ms was not: under
 * Node on a machine with twice as many busy threads as cores, spaced calls
 * of cold pools saw a worker arrive later than that). */
#define ARRIVAL_WAIT_NS 1000000000u
/* A waiting item gives its CPU away this often: with more threads than CPUs
 * the one it waits for may need it. */
#define YIELD_EVERY_NS 50000u
#define SPACING_NS 1000000u /* forkjoin_spaced: the pause before each call */
#define BLOCKS 10           /* per-block medians are a spaced record's samples */

typedef struct fj_ctx {
  pool *p;
  const call_clock *clock;        /* the session's per-call clock */
  int threads;
  bool stamp;                     /* read the clock in the items (timed calls) */
  uint64_t yield_ns;              /* a waiting item gives its CPU away this often */
  atomic_bool failed;             /* a wait timed out: no more waiting */
  atomic_int arrived_at_failure;  /* what that wait saw */
  /* Items started so far, over all calls: call k is complete at k * P, so
   * no call resets it (a reset store by the caller would wait for the line
   * the last item took). Alone on its line: every item RMWs it and waits on
   * it, the scenario's own price, which sharing a line would raise. */
  alignas(64) _Atomic uint64_t arrived;
  alignas(64) _Atomic uint64_t last_arrival; /* when the P-th item started */
  _Atomic uint64_t last_end;      /* the latest item end */
} fj_ctx;

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
      if (f->stamp)
        atomic_store_explicit(&f->last_arrival, call_clock_now_ns(f->clock), memory_order_relaxed);
    } else if (!atomic_load_explicit(&f->failed, memory_order_relaxed)) {
      wait_for_all(f, target);
    }
    if (!f->stamp) continue;
    uint64_t t = call_clock_now_ns(f->clock);
    uint64_t seen = atomic_load_explicit(&f->last_end, memory_order_relaxed);
    while (t > seen && !atomic_compare_exchange_weak_explicit(&f->last_end, &seen, t,
                                                               memory_order_relaxed,
                                                               memory_order_relaxed)) {
    }
  }
}

/* One call (calls never overlap). */
static void call(fj_ctx *f) {
  if (f->stamp) atomic_store_explicit(&f->last_end, 0, memory_order_relaxed);
  scenario_parallel_for(f->p, 0, (size_t)f->threads, 1, item, f);
}

static void batch(void *ctx, uint64_t iters) {
  for (uint64_t i = 0; i < iters; i++) call(ctx);
}

/* One call timed alone: its time, and from the items' stamps the fork (call
 * start -> the last arrival) and the join (the last end -> return). */
static double timed_call(fj_ctx *f, double *fork, double *join) {
  f->stamp = true;
  uint64_t t0 = call_clock_now_ns(f->clock);
  call(f);
  uint64_t t1 = call_clock_now_ns(f->clock);
  f->stamp = false;
  *fork = (double)(int64_t)(atomic_load(&f->last_arrival) - t0);
  *join = (double)(int64_t)(t1 - atomic_load(&f->last_end));
  return (double)(t1 - t0);
}

static bool applies(const char *backend) { return !pool_backend_runs_on_caller(backend); }

#define FJ_EXTRAS 3
/* worker_share from the stats delta, fork_ns/join_ns medians of the n calls'
 * stamps (null where threads share no clock: a browser without the counter
 * clock). Returns false, after the error
 * record, when a call did not bring every thread in. */
static bool extras(harness *h, const target *t, const char *scenario, fj_ctx *f,
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

typedef struct fj_run {
  fj_ctx f;
  size_t calls;
  double *lat, *fork, *join; /* per single call */
} fj_run;

static pool *begin_run(harness *h, const target *t, const char *scenario, fj_run *r) {
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

static void end_run(harness *h, fj_run *r) {
  if (r->f.p) scenario_release(h, r->f.p);
  free(r->lat), free(r->fork), free(r->join);
}

static int run(harness *h, const target *t, summary_row *row) {
  fj_run fr;
  if (!begin_run(h, t, "forkjoin", &fr)) {
    end_run(h, &fr);
    return -1;
  }
  pool_stats_t a, b;
  pool_stats(fr.f.p, &a);
  harness_result r;
  int rc = harness_measure(h, batch, &fr.f, &r);
  /* The fork and the join, from calls timed alone, back to back too. */
  for (size_t i = 0; i < fr.calls; i++) {
    fr.lat[i] = timed_call(&fr.f, &fr.fork[i], &fr.join[i]);
    watchdog_progress(harness_watchdog(h));
  }
  pool_stats(fr.f.p, &b);
  if (rc == 0) {
    harness_extra ex[FJ_EXTRAS + 2];
    if (extras(h, t, "forkjoin", &fr.f, &a, &b, fr.fork, fr.join, fr.calls, ex)) {
      /* The tail of those single calls, where the per-call clock resolves
       * it (a tail of a few steps would be the clock's grid, not the pool's):
       * what an oversubscribed pool costs now and then. */
      stats_sort(fr.lat, fr.calls);
      double p90 = stats_quantile_sorted(fr.lat, fr.calls, 0.90);
      double p99 = stats_quantile_sorted(fr.lat, fr.calls, 0.99);
      bool resolved = p99 >= 10 * call_clock_step_ns(harness_call_clock(h));
      ex[FJ_EXTRAS] = (harness_extra){"p90", resolved ? p90 : NAN};
      ex[FJ_EXTRAS + 1] = (harness_extra){"p99", resolved ? p99 : NAN};
      harness_key k = {"forkjoin", t->backend, t->mode, t->threads, (uint64_t)t->threads, 0};
      harness_emit(h, &k, "ns", &r, ex, FJ_EXTRAS + 2, NULL, 0);
      row->forkjoin_ns = r.median;
      row->worker_share = ex[0].value;
    } else {
      rc = -1;
    }
    harness_result_free(&r);
  }
  end_run(h, &fr);
  return rc;
}

static int run_spaced(harness *h, const target *t, summary_row *row) {
  (void)row;
  if (strcmp(t->mode, "warm") == 0) return 0; /* spaced calls find a warm pool asleep too */
  fj_run fr;
  if (!begin_run(h, t, "forkjoin_spaced", &fr)) {
    end_run(h, &fr);
    return -1;
  }
  for (int i = 0; i < 10; i++) call(&fr.f); /* first-call costs stay out */
  pool_stats_t a, b;
  pool_stats(fr.f.p, &a);
  for (size_t i = 0; i < fr.calls; i++) {
    plat_sleep_ns(SPACING_NS);
    fr.lat[i] = timed_call(&fr.f, &fr.fork[i], &fr.join[i]);
    watchdog_progress(harness_watchdog(h));
  }
  pool_stats(fr.f.p, &b);
  int rc = -1;
  harness_extra ex[FJ_EXTRAS + 2];
  if (extras(h, t, "forkjoin_spaced", &fr.f, &a, &b, fr.fork, fr.join, fr.calls, ex)) {
    harness_result r;
    rc = harness_result_latencies(h, fr.lat, fr.calls, BLOCKS, &r);
    if (rc == 0) {
      ex[FJ_EXTRAS] = (harness_extra){"p90", r.p90};
      ex[FJ_EXTRAS + 1] = (harness_extra){"p99", r.p99};
      harness_key k = {"forkjoin_spaced", t->backend, t->mode, t->threads, (uint64_t)t->threads, 0};
      harness_emit(h, &k, "ns", &r, ex, FJ_EXTRAS + 2, NULL, 0);
      harness_result_free(&r);
    }
  }
  end_run(h, &fr);
  return rc;
}

const scenario scenario_forkjoin = {
    .name = "forkjoin",
    .description = "N = P items that each wait until all P started: every thread joins every call",
    .per_target = true,
    .applies = applies,
    .run = run,
};

const scenario scenario_forkjoin_spaced = {
    .name = "forkjoin_spaced",
    .description = "forkjoin calls 1 ms apart, timed one by one (cold targets): p50, p90, p99",
    .per_target = true,
    .applies = applies,
    .run = run_spaced,
};
