/* Entry points the Python baselines need beyond pool.h and harness.h, in the
 * shared library they load with ctypes (libpoolbench.so). */
#include <stddef.h>
#include <stdint.h>

#include "harness.h"
#include "scenarios.h"

/* A pool body running the delay kernel; ctx points to the iterations per item. */
void poolbench_kernel_body(void *ctx, size_t begin, size_t end) {
  uint64_t iters = *(const uint64_t *)ctx;
  for (size_t i = begin; i < end; i++) harness_spin_iters(iters);
}

/* The size of harness_options, so the ctypes mirror in py_baselines.py can
 * check it matches (a field added on one side only shifted the others). */
size_t poolbench_options_size(void) { return sizeof(harness_options); }
/* Likewise harness_result, which harness_measure fills in the caller's memory. */
size_t poolbench_result_size(void) { return sizeof(harness_result); }

/* Runs the ping-pong references so Python records carry the same units. */
int poolbench_references(harness *h) {
  summary_row none;
  target t = {"-", "default", 2};
  return scenario_run_pingpong(h, &t, &none);
}

/* The spin reference again after job `job`, with what ran beside the job:
 * Python's jobs are judged as the CLI's. */
void poolbench_check(harness *h, int job) { scenario_pingpong_check(h, job); }
