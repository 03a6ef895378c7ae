/* What the Pyodide side module adds to the project's C kernel
 * (harness/timer.c, harness/kernel.c, harness/stats.c, bench/pycalls.c): a clock, the kernel's
 * calibration and the harness statistics behind plain-argument entry points.
 *
 * The module is built by Emscripten 3.1.6 and loaded into Pyodide, whose libc
 * comes from a newer Emscripten: struct timespec differs (time_t is 4 bytes
 * here, 8 there), so the clock reads the JS clock directly instead of calling
 * clock_gettime through Pyodide's libc. */
#include <emscripten.h>
#include <stdint.h>
#include <stdlib.h>

#include "kernel.h"
#include "platform.h"
#include "stats.h"

uint64_t plat_now_ns(void) { return (uint64_t)(emscripten_get_now() * 1e6); }

/* Proves a handle is this module's (Pyodide may hand back a stale handle
 * after a failed load): 'pool'. */
int poolbench_side_magic(void) { return 0x706f6f6c; }

/* Iterations of the delay kernel per ns, calibrated exactly as the native
 * harness does; -1 when the kernel does not scale (message in err). */
double poolbench_calibrate(double timer_step_ns, char *err, int errlen) {
  double iters_per_ns = 0;
  if (kernel_calibrate(timer_step_ns, &iters_per_ns, err, (size_t)errlen) != 0) return -1;
  return iters_per_ns;
}

/* The harness's statistics of x[0..n): out = median, mad, min, max, mean,
 * p50, p90, p99, p99.9, and the median's interval ci_lo, ci_hi, ci_level
 * (what harness_emit writes). Returns -1 when out of memory. */
int poolbench_stats(const double *x, int n, double *out) {
  stats s = stats_of(x, (size_t)n);
  double *sorted = malloc((size_t)(n > 0 ? n : 1) * sizeof *sorted);
  if (!sorted) return -1;
  for (int i = 0; i < n; i++) sorted[i] = x[i];
  stats_sort(sorted, (size_t)n);
  const double q[] = {0.5, 0.9, 0.99, 0.999};
  out[0] = s.median, out[1] = s.mad, out[2] = s.min, out[3] = s.max, out[4] = s.mean;
  for (int i = 0; i < 4; i++) out[5 + i] = n ? stats_quantile_sorted(sorted, (size_t)n, q[i]) : 0;
  stats_interval ci = stats_median_ci(x, (size_t)n);
  out[9] = ci.lo, out[10] = ci.hi, out[11] = ci.level;
  free(sorted);
  return 0;
}
