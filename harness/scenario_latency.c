/* latency: single dispatch calls timed one by one: the tail that soft
 * real-time work cares about. */
#include <math.h>
#include <stdlib.h>

#include "platform.h"
#include "scenarios.h"
#include "stats.h"

#define BLOCKS 10 /* per-block medians are the record's samples */

static int run(harness *h, const target *t, summary_row *row) {
  pool *p = scenario_pool(h, t, "latency");
  if (!p) return -1;
  int calls = harness_opts(h)->quick ? 2000 : 10000;
  double *lat = malloc((size_t)calls * sizeof *lat);
  double *blocks = malloc(BLOCKS * sizeof *blocks);
  if (!lat || !blocks) {
    free(lat), free(blocks), scenario_release(p);
    return -1;
  }
  size_t items = (size_t)t->threads;
  for (int i = 0; i < 100; i++) pool_parallel_for(p, 0, items, 1, scenario_empty_body, NULL);
  pool_stats_t a, b;
  pool_stats(p, &a);
  for (int i = 0; i < calls; i++) {
    uint64_t t0 = plat_now_ns();
    pool_parallel_for(p, 0, items, 1, scenario_empty_body, NULL);
    lat[i] = (double)(plat_now_ns() - t0);
  }
  pool_stats(p, &b);
  int per = calls / BLOCKS;
  for (int k = 0; k < BLOCKS; k++) blocks[k] = stats_of(lat + k * per, (size_t)per).median;

  harness_result r;
  harness_result_from(blocks, BLOCKS, &r);
  stats all = stats_of(lat, (size_t)calls);
  stats_sort(lat, (size_t)calls);
  r.median = all.median, r.mad = all.mad, r.min = all.min, r.max = all.max, r.mean = all.mean;
  r.p50 = stats_quantile_sorted(lat, (size_t)calls, 0.50);
  r.p90 = stats_quantile_sorted(lat, (size_t)calls, 0.90);
  r.p99 = stats_quantile_sorted(lat, (size_t)calls, 0.99);
  r.p999 = stats_quantile_sorted(lat, (size_t)calls, 0.999);
  /* A single call timed alone: quantization hurts below ~10 steps. */
  r.below_resolution = r.p50 < 10 * harness_timer_step_ns(h);
  harness_extra ex[5 + SCENARIO_POOL_EXTRAS] = {{"p50", r.p50}, {"p90", r.p90}, {"p99", r.p99},
                         {"p999", r.p999}, {"calls", calls}};
  int n = 5 + scenario_pool_extras(p, &a, &b, ex + 5);
  harness_key k = {"latency", t->backend, t->mode, t->threads, items, 0};
  harness_emit(h, &k, "ns", &r, ex, n, NULL, 0);
  row->p50_ns = r.p50, row->p99_ns = r.p99, row->p999_ns = r.p999;
  harness_result_free(&r);
  free(lat), free(blocks);
  scenario_release(p);
  return 0;
}

const scenario scenario_latency = {
    .name = "latency",
    .description = "single dispatch calls timed one by one: p50, p90, p99, p99.9, max",
    .per_target = true,
    .applies = applies_all,
    .run = run,
};
