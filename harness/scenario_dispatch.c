/* dispatch: an empty body over N = P items, one item per chunk: what a
 * parallel_for costs when there is nothing to do. */
#include <math.h>

#include "scenarios.h"

typedef struct dispatch_ctx {
  pool *p;
  size_t items;
} dispatch_ctx;

static void batch(void *ctx, uint64_t iters) {
  dispatch_ctx *d = ctx;
  for (uint64_t i = 0; i < iters; i++)
    scenario_parallel_for(d->p, 0, d->items, 1, scenario_empty_body, NULL);
}

int scenario_run_dispatch(harness *h, const target *t, summary_row *row) {
  pool *p = scenario_pool(h, t, scenario_name_dispatch);
  if (!p) return -1;
  dispatch_ctx d = {p, (size_t)t->threads};
  pool_stats_t a, b;
  pool_stats(p, &a);
  harness_result r;
  int rc = harness_measure(h, batch, &d, &r);
  pool_stats(p, &b);
  if (rc == 0) {
    harness_extra ex[SCENARIO_POOL_EXTRAS];
    int n = scenario_pool_extras(p, &a, &b, ex);
    harness_key k = {scenario_name_dispatch, t->backend, t->mode, t->threads, d.items, 0};
    harness_emit(h, &k, "ns", &r, ex, n, NULL, 0);
    row->dispatch_ns = r.median;
    row->caller_share = n ? ex[0].value : NAN;
    harness_result_free(&r);
  }
  scenario_release(h, p);
  return rc;
}
