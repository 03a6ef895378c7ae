#include "grain_sweep.h"

#include "scenarios.h"

static void work_body(void *ctx, size_t begin, size_t end) {
  const grain_ctx *g = ctx;
  for (size_t i = begin; i < end; i++) harness_spin_iters(g->iters);
}

void grain_parallel_batch(void *ctx, uint64_t iters) {
  grain_ctx *g = ctx;
  for (uint64_t i = 0; i < iters; i++) scenario_parallel_for(g->p, 0, g->items, 1, work_body, g);
}

void grain_serial_batch(void *ctx, uint64_t iters) {
  grain_ctx *g = ctx;
  for (uint64_t i = 0; i < iters; i++) work_body(g, 0, g->items);
}

void grain_extras(const harness *h, double median, double ideal, double serial,
                  harness_extra *ex) {
  double overhead = median - ideal;
  ex[0] = (harness_extra){"overhead_ns", overhead};
  ex[1] = (harness_extra){"ideal_ns", ideal};
  ex[2] = (harness_extra){"speedup", serial / median};
  ex[3] = (harness_extra){"overhead_spin_rt_units", overhead / harness_spin_rt_ns(h)};
  ex[4] = (harness_extra){"overhead_futex_rt_units", overhead / harness_futex_rt_ns(h)};
}
