/* grain: N = 8P items of W ns each. Overhead per call = time - ideal, where
 * ideal = ceil(N/P) * W as measured serially in the same run; speedup =
 * serial time / parallel time; break-even W = the smallest W with speedup >= 1
 * (EPCC syncbench's scheme). */
#include <math.h>
#include <string.h>

#include "harness_internal.h"
#include "scenarios.h"

static const double work_ns[] = {0, 100, 300, 1000, 3000, 10000, 30000, 100000};
#define NWORK (sizeof work_ns / sizeof *work_ns)

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
  for (uint64_t i = 0; i < iters; i++) pool_parallel_for(g->p, 0, g->items, 1, work_body, g);
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
    grain_ctx g = {NULL, h, (size_t)8 * (size_t)threads, harness_work_iters(h, work_ns[w])};
    harness_key k = {"grain", "serial", "default", threads, g.items, work_ns[w]};
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

static int run(harness *h, const target *t, summary_row *row) {
  size_t items = (size_t)8 * (size_t)t->threads;
  size_t per_thread = (items + (size_t)t->threads - 1) / (size_t)t->threads;
  if (strcmp(t->backend, "serial") == 0) { /* the reference is its record */
    for (size_t w = 0; w < NWORK; w++) reference(h, t->threads, w);
    return 0;
  }
  pool *p = scenario_pool(h, t, "grain");
  if (!p) return -1;
  double breakeven = NAN;
  for (size_t w = 0; w < NWORK; w++) {
    double serial = reference(h, t->threads, w);
    grain_ctx g = {p, h, items, harness_work_iters(h, work_ns[w])};
    pool_stats_t a, b;
    pool_stats(p, &a);
    harness_result r;
    if (harness_measure(h, parallel_batch, &g, &r) != 0) break;
    pool_stats(p, &b);
    double ideal = serial * (double)per_thread / (double)items;
    double overhead = r.median - ideal;
    double speedup = serial / r.median;
    harness_extra ex[5 + SCENARIO_POOL_EXTRAS] = {
        {"overhead_ns", overhead},
        {"ideal_ns", ideal},
        {"speedup", speedup},
        {"overhead_spin_rt_units", overhead / harness_spin_rt_ns(h)},
        {"overhead_futex_rt_units", overhead / harness_futex_rt_ns(h)},
    };
    int n = 5 + scenario_pool_extras(p, &a, &b, ex + 5);
    harness_key k = {"grain", t->backend, t->mode, t->threads, items, work_ns[w]};
    harness_emit(h, &k, "ns", &r, ex, n, NULL, 0);
    harness_result_free(&r);
    if (isnan(breakeven) && speedup >= 1) breakeven = work_ns[w];
  }
  json j;
  scenario_record_begin(h, &j, "breakeven", "grain", t);
  json_num(&j, "breakeven_work_ns", breakeven); /* null: never paid off */
  harness_write_record(h, &j);
  row->breakeven_ns = breakeven;
  row->breakeven_never = isnan(breakeven);
  scenario_release(p);
  return 0;
}

const scenario scenario_grain = {
    .name = "grain",
    .description = "N = 8P items of W ns, W = 0..100 us: overhead, speedup, break-even W",
    .per_target = true,
    .applies = applies_all,
    .run = run,
};
