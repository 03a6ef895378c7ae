/* What the two grain sweeps (scenario_grain.c, scenario_grain_ab.c) share:
 * N = 8P items of W ns each, timed as parallel or serial batches, and the
 * fields every grain record carries. */
#ifndef POOLBENCH_GRAIN_SWEEP_H
#define POOLBENCH_GRAIN_SWEEP_H

#include "harness.h"
#include "pool.h"
#include "vocabulary.h"

#define GRAIN_WORKS ((size_t)VOCAB_GRAIN_WORKS)

typedef struct grain_ctx {
  pool *p; /* NULL: the serial reference */
  const harness *h;
  size_t items;
  uint64_t iters; /* kernel iterations per item */
} grain_ctx;

/* harness_measure batches: `iters` calls over the items, through the pool or
 * as a plain loop. */
void grain_parallel_batch(void *ctx, uint64_t iters);
void grain_serial_batch(void *ctx, uint64_t iters);

/* The grain fields of a measurement with median `median`: its overhead over
 * `ideal` in ns and in the same run's round trips, and its speedup over
 * `serial`. Fills GRAIN_EXTRAS entries of ex. */
#define GRAIN_EXTRAS 5
void grain_extras(const harness *h, double median, double ideal, double serial,
                  harness_extra *ex);

#endif
