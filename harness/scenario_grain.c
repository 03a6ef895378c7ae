/* grain: N = 8P items of W ns each. Overhead per call = time - ideal, where
 * ideal = the same run's serial time for the same N items of the same W,
 * divided by P (EPCC syncbench's reference: measured, never the nominal
 * ceil(N/P) * W, which the kernel's calibration misses by some per cent, a
 * skew that grows with W and would show even for serial itself); speedup =
 * serial time / parallel time; break-even W = the smallest W with
 * speedup >= 1. The serial record is the reference: its ideal is its own
 * median, its overhead 0. */
#include <math.h>

#include "grain_sweep.h"
#include "harness_internal.h"
#include "scenarios.h"

/* The serial reference per (threads, W), measured once per run. */
static struct {
  const harness *h;
  int threads;
  double ns[GRAIN_WORKS];
} ref;

static double reference(harness *h, int threads, size_t w) {
  if (ref.h != h || ref.threads != threads) {
    ref.h = h, ref.threads = threads;
    for (size_t i = 0; i < GRAIN_WORKS; i++) ref.ns[i] = NAN;
  }
  if (isnan(ref.ns[w])) {
    grain_ctx g = {NULL, h, (size_t)8 * (size_t)threads, harness_work_iters(h, vocab_grain_work_ns[w])};
    harness_key k = {scenario_name_grain, scenario_serial_backend(), "default", threads, g.items,
                     vocab_grain_work_ns[w]};
    harness_result r;
    if (harness_measure(h, grain_serial_batch, &g, &r) != 0) return NAN;
    harness_extra ex[] = {{"overhead_ns", 0}, {"ideal_ns", r.median}, {"speedup", 1},
                          {"overhead_spin_rt_units", 0}, {"overhead_futex_rt_units", 0}};
    harness_emit(h, &k, "ns", &r, ex, 5, NULL, 0);
    ref.ns[w] = r.median;
    harness_result_free(&r);
  }
  return ref.ns[w];
}

int scenario_run_grain(harness *h, const target *t, summary_row *row) {
  size_t items = (size_t)8 * (size_t)t->threads;
  if (pool_backend_runs_on_caller(t->backend)) { /* the reference is its record */
    for (size_t w = 0; w < GRAIN_WORKS; w++) reference(h, t->threads, w);
    return 0;
  }
  pool *p = scenario_pool(h, t, scenario_name_grain);
  if (!p) return -1;
  double breakeven = NAN;
  for (size_t w = 0; w < GRAIN_WORKS; w++) {
    double serial = reference(h, t->threads, w);
    grain_ctx g = {p, h, items, harness_work_iters(h, vocab_grain_work_ns[w])};
    pool_stats_t a, b;
    pool_stats(p, &a);
    harness_result r;
    if (harness_measure(h, grain_parallel_batch, &g, &r) != 0) break;
    pool_stats(p, &b);
    double speedup = serial / r.median;
    harness_extra ex[GRAIN_EXTRAS + SCENARIO_POOL_EXTRAS];
    grain_extras(h, r.median, serial / t->threads, serial, ex);
    int n = GRAIN_EXTRAS + scenario_pool_extras(p, &a, &b, ex + GRAIN_EXTRAS);
    harness_key k = {scenario_name_grain, t->backend, t->mode, t->threads, items, vocab_grain_work_ns[w]};
    harness_emit(h, &k, "ns", &r, ex, n, NULL, 0);
    harness_result_free(&r);
    if (isnan(breakeven) && speedup >= 1) breakeven = vocab_grain_work_ns[w];
  }
  json j;
  scenario_record_begin(h, &j, "breakeven", scenario_name_grain, t);
  json_num(&j, "breakeven_work_ns", breakeven); /* null: never paid off */
  harness_write_record(h, &j);
  row->breakeven_ns = breakeven;
  row->breakeven_never = isnan(breakeven);
  scenario_release(h, p);
  return 0;
}
