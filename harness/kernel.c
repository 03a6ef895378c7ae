/* The delay kernel: a dependent multiply-add chain, so every iteration costs
 * the same few cycles and no compiler can vectorize or fold it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness_internal.h"
#include "platform.h"

void harness_spin_iters(uint64_t iters) {
  uint64_t x = 88172645463325252u;
  for (uint64_t i = 0; i < iters; i++) x = x * 6364136223846793005u + 1442695040888963407u;
  volatile uint64_t sink = x; /* keeps the chain alive */
  (void)sink;
}

static double time_iters(uint64_t iters) {
  double best = INFINITY;
  for (int k = 0; k < 5; k++) {
    uint64_t t0 = plat_now_ns();
    harness_spin_iters(iters);
    double t = (double)(plat_now_ns() - t0);
    if (t < best) best = t;
  }
  return best;
}

int kernel_calibrate(double step_ns, double *iters_per_ns, char *err, size_t errlen) {
  /* Grow until one run lasts well above the timer step and 1 ms. */
  double target = step_ns * 1000 > 1e6 ? step_ns * 1000 : 1e6;
  uint64_t iters = 1024;
  double t = time_iters(iters);
  while (t < target) {
    if (iters > (1ull << 40)) {
      snprintf(err, errlen, "delay kernel: 2^40 iterations took %.0f ns: the loop was optimized away", t);
      return -1;
    }
    iters *= 2;
    t = time_iters(iters);
  }
  /* A real loop scales: a quarter of the iterations takes about a quarter. */
  double quarter = time_iters(iters / 4);
  double ratio = t / (quarter > 0 ? quarter : 1);
  if (ratio < 2.0 || ratio > 8.0) {
    snprintf(err, errlen, "delay kernel does not scale with its iteration count (x4 iterations took x%.2f): optimized away or a broken timer", ratio);
    return -1;
  }
  *iters_per_ns = (double)iters / t;
  return 0;
}

uint64_t harness_work_iters(const harness *h, double work_ns) {
  double it = work_ns * harness_iters_per_ns(h);
  return it <= 0 ? 0 : (uint64_t)llround(it);
}

void harness_work(const harness *h, double work_ns) {
  harness_spin_iters(harness_work_iters(h, work_ns));
}

int harness_calibrate(double *iters_per_ns, char *err, size_t errlen) {
  return kernel_calibrate(timer_measure_step_ns(), iters_per_ns, err, errlen);
}
