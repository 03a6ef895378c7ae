/* bursts: the soft-real-time pattern warm pools exist for. Every 16.7 ms
 * (a frame) a burst of 20 parallel_for calls of 16 items x 1 us, then idle
 * until the next frame. Records the latency of the calls inside bursts and
 * the CPU burnt per wall second in the gaps between bursts. */
#include <math.h>
#include <stdlib.h>

#include "call_clock.h"
#include "host.h"
#include "platform.h"
#include "harness_internal.h"
#include "scenarios.h"
#include "watchdog.h"
#include "stats.h"

#define FRAME_NS 16666667u
#define CALLS 20
#define ITEMS 16
#define WORK_NS 1000.0

typedef struct burst_ctx {
  uint64_t iters;
} burst_ctx;

static void work(void *ctx, size_t b, size_t e) {
  const burst_ctx *c = ctx;
  for (size_t i = b; i < e; i++) harness_spin_iters(c->iters);
}

int scenario_run_bursts(harness *h, const target *t, summary_row *row) {
  (void)row;
  pool *p = scenario_pool(h, t, scenario_name_bursts);
  if (!p) return -1;
  /* 1 s: 1200 calls put 12 above the p99; bursts were the largest part of
   * make bench (2 s a pool, ~90 s over the four platforms, at 120 frames). */
  int frames = harness_opts(h)->quick ? 30 : 60;
  double *lat = malloc((size_t)frames * CALLS * sizeof *lat);
  if (!lat) {
    scenario_release(h, p);
    return -1;
  }
  burst_ctx c = {harness_work_iters(h, WORK_NS)};
  bool cpu = host_cpu_time_ns() >= 0;
  int64_t gap_cpu = 0;
  uint64_t gap_wall = 0;
  pool_stats_t a, b;
  pool_stats(p, &a);
  uint64_t start = plat_now_ns();
  for (int f = 0; f < frames; f++) {
    for (int k = 0; k < CALLS; k++) {
      uint64_t t0 = call_clock_now_ns(harness_call_clock(h));
      scenario_parallel_for(p, 0, ITEMS, 1, work, &c);
      lat[f * CALLS + k] = (double)(call_clock_now_ns(harness_call_clock(h)) - t0);
    }
    uint64_t burst_end = plat_now_ns();
    int64_t c0 = cpu ? host_cpu_time_ns() : 0;
    uint64_t next = start + (uint64_t)(f + 1) * FRAME_NS;
    if (next > burst_end) plat_sleep_ns(next - burst_end);
    if (cpu) gap_cpu += host_cpu_time_ns() - c0;
    gap_wall += plat_now_ns() - burst_end;
    watchdog_progress(harness_watchdog(h));
  }
  pool_stats(p, &b);

  /* Each burst's first call finds the workers asleep (the gap outlasts any
   * warm budget but spin's): its median is what waking the pool costs. */
  double *first = malloc((size_t)frames * sizeof *first);
  double first_ns = NAN;
  if (first) {
    for (int f = 0; f < frames; f++) first[f] = lat[f * CALLS];
    first_ns = stats_of(first, (size_t)frames).median;
    free(first);
  }
  size_t n = (size_t)frames * CALLS;
  harness_result r;
  harness_result_latencies(h, lat, n, frames, &r); /* one block per burst */
  /* With the pool's own counts (wake-ups per call, the caller's share of the
   * items): what a tail was made of. */
  harness_extra ex[8 + SCENARIO_POOL_EXTRAS] = {
      {"p50", r.p50},
      {"p90", r.p90},
      {"p99", r.p99},
      {"p999", r.p999},
      {"gap_cpu_cores", cpu && gap_wall ? (double)gap_cpu / (double)gap_wall : NAN},
      {"frames", frames},
      {"calls_per_burst", CALLS},
      {"first_call_ns", first_ns},
  };
  int nex = 8 + scenario_pool_extras(p, &a, &b, ex + 8);
  scenario_release(h, p);
  harness_key k = {scenario_name_bursts, t->backend, t->mode, t->threads, ITEMS, WORK_NS};
  harness_emit(h, &k, "ns", &r, ex, nex, NULL, 0);
  harness_result_free(&r);
  free(lat);
  return 0;
}
