/* many_items: 10^5 nearly empty items with the automatic grain. What chunking
 * costs per item next to a serial loop over the same items (run here too), so
 * per-item overheads (an atomic per item, a call per item) show. */
#include <string.h>

#include "scenarios.h"

#define ITEMS 100000

typedef struct items_ctx {
  pool *p;
} items_ctx;

static void touch(void *ctx, size_t b, size_t e) {
  (void)ctx;
  size_t sum = 0;
  for (size_t i = b; i < e; i++) {
    sum += i;
    __asm__ volatile("" : "+r"(sum)); /* one real step per item, no closed form */
  }
}

static void parallel(void *ctx, uint64_t iters) {
  items_ctx *c = ctx;
  for (uint64_t i = 0; i < iters; i++) scenario_parallel_for(c->p, 0, ITEMS, 0, touch, NULL);
}

static void serial(void *ctx, uint64_t iters) {
  (void)ctx;
  for (uint64_t i = 0; i < iters; i++) touch(NULL, 0, ITEMS);
}

int scenario_run_many_items(harness *h, const target *t, summary_row *row) {
  (void)row;
  pool *p = scenario_pool(h, t, scenario_name_many_items);
  if (!p) return -1;
  harness_result s, r;
  int rc = harness_measure(h, serial, NULL, &s);
  items_ctx c = {p};
  if (rc == 0) rc = harness_measure(h, parallel, &c, &r);
  if (rc == 0) {
    harness_extra ex[] = {{"serial_ns", s.median},
                          {"per_item_ns", r.median / ITEMS},
                          {"vs_serial", r.median / s.median}};
    harness_key k = {scenario_name_many_items, t->backend, t->mode, t->threads, ITEMS, 0};
    harness_emit(h, &k, "ns", &r, ex, 3, NULL, 0);
    harness_result_free(&r);
  }
  if (rc == 0 || s.samples) harness_result_free(&s);
  scenario_release(h, p);
  return rc;
}
