/* grain: N = 8P items of W ns each. Overhead per call = time - ideal, where
 * ideal = the same run's serial time for the same N items of the same W,
 * divided by P (EPCC syncbench's reference: measured, never the nominal
 * ceil(N/P) * W, which the kernel's calibration misses by some per cent, a
 * skew that grows with W and would show even for serial itself); speedup =
 * serial time / parallel time; break-even W = the smallest W with
 * speedup >= 1. The serial record is the reference: its ideal is its own
 * median, its overhead 0. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness_internal.h"
#include "platform.h"
#include "scenarios.h"
#include "vocabulary.h"
#include "watchdog.h"

#define NWORK ((size_t)VOCAB_GRAIN_WORKS)

typedef struct grain_ctx {
  pool *p;
  const harness *h;
  size_t items;
  uint64_t iters; /* kernel iterations per item */
} grain_ctx;

static void work_body(void *ctx, size_t begin, size_t end) {
  const grain_ctx *g = ctx;
  for (size_t i = begin; i < end; i++) harness_spin_iters(g->iters);
}

static void parallel_batch(void *ctx, uint64_t iters) {
  grain_ctx *g = ctx;
  for (uint64_t i = 0; i < iters; i++) scenario_parallel_for(g->p, 0, g->items, 1, work_body, g);
}

static void serial_batch(void *ctx, uint64_t iters) {
  grain_ctx *g = ctx;
  for (uint64_t i = 0; i < iters; i++) work_body(g, 0, g->items);
}

/* The serial reference per (threads, W), measured once per run. */
static struct {
  const harness *h;
  int threads;
  double ns[NWORK];
} ref;

static double reference(harness *h, int threads, size_t w) {
  if (ref.h != h || ref.threads != threads) {
    ref.h = h, ref.threads = threads;
    for (size_t i = 0; i < NWORK; i++) ref.ns[i] = NAN;
  }
  if (isnan(ref.ns[w])) {
    grain_ctx g = {NULL, h, (size_t)8 * (size_t)threads, harness_work_iters(h, vocab_grain_work_ns[w])};
    harness_key k = {"grain", scenario_serial_backend(), "default", threads, g.items,
                     vocab_grain_work_ns[w]};
    harness_result r;
    if (harness_measure(h, serial_batch, &g, &r) != 0) return NAN;
    harness_extra ex[] = {{"overhead_ns", 0}, {"ideal_ns", r.median}, {"speedup", 1},
                          {"overhead_spin_rt_units", 0}, {"overhead_futex_rt_units", 0}};
    harness_emit(h, &k, "ns", &r, ex, 5, NULL, 0);
    ref.ns[w] = r.median;
    harness_result_free(&r);
  }
  return ref.ns[w];
}

/* The grain fields of a measurement with median `median`: its overhead over
 * `ideal` in ns and in the same run's round trips, and its speedup over
 * `serial`. Fills GRAIN_EXTRAS entries of ex. */
#define GRAIN_EXTRAS 5
static void grain_extras(const harness *h, double median, double ideal, double serial,
                         harness_extra *ex) {
  double overhead = median - ideal;
  ex[0] = (harness_extra){"overhead_ns", overhead};
  ex[1] = (harness_extra){"ideal_ns", ideal};
  ex[2] = (harness_extra){"speedup", serial / median};
  ex[3] = (harness_extra){"overhead_spin_rt_units", overhead / harness_spin_rt_ns(h)};
  ex[4] = (harness_extra){"overhead_futex_rt_units", overhead / harness_futex_rt_ns(h)};
}

static int run(harness *h, const target *t, summary_row *row) {
  size_t items = (size_t)8 * (size_t)t->threads;
  if (pool_backend_runs_on_caller(t->backend)) { /* the reference is its record */
    for (size_t w = 0; w < NWORK; w++) reference(h, t->threads, w);
    return 0;
  }
  pool *p = scenario_pool(h, t, "grain");
  if (!p) return -1;
  double breakeven = NAN;
  for (size_t w = 0; w < NWORK; w++) {
    double serial = reference(h, t->threads, w);
    grain_ctx g = {p, h, items, harness_work_iters(h, vocab_grain_work_ns[w])};
    pool_stats_t a, b;
    pool_stats(p, &a);
    harness_result r;
    if (harness_measure(h, parallel_batch, &g, &r) != 0) break;
    pool_stats(p, &b);
    double speedup = serial / r.median;
    harness_extra ex[GRAIN_EXTRAS + SCENARIO_POOL_EXTRAS];
    grain_extras(h, r.median, serial / t->threads, serial, ex);
    int n = GRAIN_EXTRAS + scenario_pool_extras(p, &a, &b, ex + GRAIN_EXTRAS);
    harness_key k = {"grain", t->backend, t->mode, t->threads, items, vocab_grain_work_ns[w]};
    harness_emit(h, &k, "ns", &r, ex, n, NULL, 0);
    harness_result_free(&r);
    if (isnan(breakeven) && speedup >= 1) breakeven = vocab_grain_work_ns[w];
  }
  json j;
  scenario_record_begin(h, &j, "breakeven", "grain", t);
  json_num(&j, "breakeven_work_ns", breakeven); /* null: never paid off */
  harness_write_record(h, &j);
  row->breakeven_ns = breakeven;
  row->breakeven_never = isnan(breakeven);
  scenario_release(h, p);
  return 0;
}

const scenario scenario_grain = {
    .name = "grain",
    .description = "N = 8P items of W ns, W = 0..100 us: overhead, speedup, break-even W",
    .per_target = true,
    .applies = applies_all,
    .run = run,
};

/* grain_ab: the same sweep for one of our pools, measured interleaved with
 * the serial reference and the runtimes users would otherwise pick:
 * repetition by repetition each arm in turn, so load that drifts during a run
 * (the other vCPU busy for a while) hits every arm alike, where the plain
 * sweep measures targets minutes apart. Samples are in repetition order, so
 * records of one W can be compared pairwise. */
#define AB_MAX_ARMS 8
#define AB_SETTLE_NS 20000000u /* lets the last arm's threads stop spinning */
#define AB_SUBJECT "spin"       /* the pool the comparison is about */

/* The runtimes users would pick instead, in table order: every backend
 * without workers of ours but the serial reference (natively OpenMP and
 * oneTBB; none under Wasm). Returns how many, at most max. */
static int ab_references(const char **out, int max) {
  int n = 0;
  for (int i = 0; i < pool_backend_count() && n < max; i++) {
    const char *b = pool_backend_at(i);
    if (!pool_backend_has_workers(b) && !pool_backend_runs_on_caller(b)) out[n++] = b;
  }
  return n;
}

/* For the subject only (warm only: ab_run skips cold), where such runtimes
 * exist. One target, so the reference arms' records are not repeated under
 * the same key. */
static bool ab_applies(const char *backend) {
  const char *refs[AB_MAX_ARMS];
  return strcmp(backend, AB_SUBJECT) == 0 && ab_references(refs, AB_MAX_ARMS - 2) > 0;
}

/* One repetition of one arm: `calls` untimed calls (they wake whatever slept
 * through the settle and bring the arm back to its back-to-back state), then
 * `calls` timed ones. ns per call. */
static double ab_sample(grain_ctx *g, uint64_t calls) {
  void (*batch)(void *, uint64_t) = g->p ? parallel_batch : serial_batch;
  batch(g, calls);
  uint64_t t0 = plat_now_ns();
  batch(g, calls);
  double ns = (double)(plat_now_ns() - t0) / (double)calls;
  watchdog_progress(harness_watchdog(g->h));
  return ns;
}

static int ab_run(harness *h, const target *t, summary_row *row) {
  (void)row;
  if (strcmp(t->mode, "warm") != 0) return 0;
  size_t items = (size_t)8 * (size_t)t->threads;
  const char *refs[AB_MAX_ARMS];
  int arms_n = 2 + ab_references(refs, AB_MAX_ARMS - 2);
  target arms[AB_MAX_ARMS] = {{scenario_serial_backend(), "default", t->threads}, *t};
  for (int a = 2; a < arms_n; a++) arms[a] = (target){refs[a - 2], "default", t->threads};
  pool *pools[AB_MAX_ARMS] = {NULL};
  for (int a = 1; a < arms_n; a++) {
    if (!(pools[a] = scenario_pool(h, &arms[a], "grain_ab"))) {
      for (int b = 1; b < a; b++) scenario_release(h, pools[b]);
      return -1;
    }
  }
  int reps = harness_opts(h)->reps;
  double *samples[AB_MAX_ARMS] = {NULL};
  for (int a = 0; a < arms_n; a++) {
    if (!(samples[a] = malloc((size_t)reps * sizeof **samples))) {
      scenario_error(h, t, "grain_ab", "out of memory");
      for (int b = 0; b < arms_n; b++) free(samples[b]);
      for (int b = 1; b < arms_n; b++) scenario_release(h, pools[b]);
      return -1;
    }
  }
  double min_batch = harness_min_batch_ns(h);
  for (size_t w = 0; w < NWORK; w++) {
    grain_ctx g[AB_MAX_ARMS];
    uint64_t calls[AB_MAX_ARMS];
    for (int a = 0; a < arms_n; a++) {
      scenario_watch(h, pools[a], arms[a].backend);
      g[a] = (grain_ctx){pools[a], h, items, harness_work_iters(h, vocab_grain_work_ns[w])};
      double one = ab_sample(&g[a], 1); /* sizes the batch: >= min_batch_ns */
      calls[a] = one >= min_batch ? 1 : (uint64_t)ceil(min_batch / (one > 1 ? one : 1));
    }
    /* An interfered sample is taken again, as harness_measure re-runs a
     * repetition, within the same budget per arm. */
    bool counted[AB_MAX_ARMS];
    int interfered[AB_MAX_ARMS] = {0}, reruns[AB_MAX_ARMS] = {0};
    bool kept[AB_MAX_ARMS] = {false};
    for (int a = 0; a < arms_n; a++) counted[a] = harness_counts_interference(h, arms[a].backend);
    for (int r = 0; r < reps; r++) {
      for (int a = 0; a < arms_n; a++) {
        for (;;) {
          watchdog_sleep(harness_watchdog(h), AB_SETTLE_NS);
          scenario_watch(h, pools[a], arms[a].backend);
          harness_mark m;
          if (counted[a]) harness_mark_now(h, &m);
          samples[a][r] = ab_sample(&g[a], calls[a]);
          if (r == 0 || !counted[a] || !harness_interfered(h, &m, samples[a][r] * (double)calls[a] * 2)) break;
          interfered[a]++;
          if (reruns[a] == HARNESS_RERUNS_PER_REP * (reps - 1)) {
            kept[a] = true;
            break;
          }
          reruns[a]++;
        }
      }
    }
    harness_result res[AB_MAX_ARMS];
    for (int a = 0; a < arms_n; a++) { /* the first repetition is warm-up */
      harness_result_from(samples[a] + 1, reps - 1, &res[a]);
      res[a].counted = counted[a], res[a].interfered = interfered[a], res[a].reruns = reruns[a];
      res[a].kept_interfered = kept[a];
    }
    double serial = res[0].median, ideal = serial / t->threads;
    for (int a = 0; a < arms_n; a++) {
      res[a].inner = calls[a];
      harness_extra ex[GRAIN_EXTRAS];
      grain_extras(h, res[a].median, a == 0 ? serial : ideal, serial, ex);
      harness_key k = {"grain_ab", arms[a].backend, arms[a].mode, t->threads, items, vocab_grain_work_ns[w]};
      harness_emit(h, &k, "ns", &res[a], ex, GRAIN_EXTRAS, NULL, 0);
      harness_result_free(&res[a]);
    }
  }
  for (int a = 0; a < arms_n; a++) free(samples[a]);
  for (int a = 1; a < arms_n; a++) scenario_release(h, pools[a]);
  return 0;
}

const scenario scenario_grain_ab = {
    .name = "grain_ab",
    .description = "the grain sweep of a pool interleaved with serial, openmp and tbb, repetition by repetition (natively)",
    .per_target = true,
    .applies = ab_applies,
    .run = ab_run,
};
