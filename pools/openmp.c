/* openmp: the reference a user would reach for natively, libgomp's
 * `#pragma omp parallel for` (static schedule, default wait policy). */
#include <omp.h>

#include "backend.h"

static int omp_run(void *state, int threads, size_t begin, size_t end,
                   size_t grain, pool_body body, void *ctx, uint64_t *caller_items) {
  (void)state;
  long nchunks = (long)pool_chunk_count(begin, end, grain);
  uint64_t mine = 0; /* written by thread 0 (the caller) only */
#pragma omp parallel for num_threads(threads) schedule(static)
  for (long c = 0; c < nchunks; c++) {
    size_t b = begin + (size_t)c * grain;
    size_t e = end - b < grain ? end : b + grain;
    body(ctx, b, e);
    if (omp_get_thread_num() == 0) mine += e - b;
  }
  *caller_items += mine;
  return POOL_OK;
}

const pool_backend pool_backend_openmp = {
    .name = "openmp",
    .description = "reference: libgomp #pragma omp parallel for (native only)",
    .run = omp_run,
};
