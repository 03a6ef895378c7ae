/* latency: single dispatch calls timed one by one: the tail that soft
 * real-time work cares about. */
#include <math.h>
#include <stdlib.h>

#include "call_clock.h"
#include "harness_internal.h"
#include "platform.h"
#include "scenarios.h"
#include "watchdog.h"

#define BLOCKS 10 /* per-block medians are the record's samples */

int scenario_run_latency(harness *h, const target *t, summary_row *row) {
  pool *p = scenario_pool(h, t, scenario_name_latency);
  if (!p) return -1;
  int calls = harness_opts(h)->quick ? 2000 : 10000;
  double *lat = malloc((size_t)calls * sizeof *lat);
  if (!lat) {
    scenario_release(h, p);
    return -1;
  }
  size_t items = (size_t)t->threads;
  for (int i = 0; i < 100; i++) pool_parallel_for(p, 0, items, 1, scenario_empty_body, NULL);
  pool_stats_t a, b;
  pool_stats(p, &a);
  for (int i = 0; i < calls; i++) {
    uint64_t t0 = call_clock_now_ns(harness_call_clock(h));
    scenario_parallel_for(p, 0, items, 1, scenario_empty_body, NULL);
    lat[i] = (double)(call_clock_now_ns(harness_call_clock(h)) - t0);
    if ((i & 255) == 255) watchdog_progress(harness_watchdog(h));
  }
  pool_stats(p, &b);
  harness_result r;
  harness_result_latencies(h, lat, (size_t)calls, BLOCKS, &r);
  harness_extra ex[5 + SCENARIO_POOL_EXTRAS] = {{"p50", r.p50}, {"p90", r.p90}, {"p99", r.p99},
                         {"p999", r.p999}, {"calls", calls}};
  int n = 5 + scenario_pool_extras(p, &a, &b, ex + 5);
  harness_key k = {scenario_name_latency, t->backend, t->mode, t->threads, items, 0};
  harness_emit(h, &k, "ns", &r, ex, n, NULL, 0);
  row->p50_ns = r.p50, row->p99_ns = r.p99, row->p999_ns = r.p999;
  harness_result_free(&r);
  free(lat);
  scenario_release(h, p);
  return 0;
}
