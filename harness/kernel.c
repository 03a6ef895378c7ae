/* The delay kernel: a dependent multiply-add chain. The empty asm hides x
 * from the C optimizer each step, so it cannot fold unrolled steps into one
 * (x*a^k + c'). A Wasm engine's JIT still compiles it to another speed than
 * the native compiler: only the calibration, which checks that time scales
 * with iterations, gives W nanoseconds their meaning on each platform. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel.h"
#include "platform.h"
#include "timer.h"

void harness_spin_iters(uint64_t iters) {
  uint64_t x = 88172645463325252u;
  for (uint64_t i = 0; i < iters; i++) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    __asm__ volatile("" : "+r"(x));
  }
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

/* One attempt: grow the run until it lasts well above the timer step and
 * 1 ms, then check that a quarter of the iterations takes about a quarter. */
static int calibrate_once(double step_ns, double *iters_per_ns, char *err, size_t errlen) {
  double target = step_ns * 1000 > 1e6 ? step_ns * 1000 : 1e6;
  uint64_t iters = 1024;
  double t = time_iters(iters);
  while (t < target) {
    if (iters > (1ull << 40)) {
      snprintf(err, errlen, "delay kernel: 2^40 iterations took %.0f ns: the loop was optimized away", t);
      return -2; /* final: retrying cannot help */
    }
    iters *= 2;
    t = time_iters(iters);
  }
  double quarter = time_iters(iters / 4);
  double ratio = t / (quarter > 0 ? quarter : 1);
  if (ratio < 2.0 || ratio > 8.0) {
    snprintf(err, errlen, "delay kernel does not scale with its iteration count (x4 iterations took x%.2f): optimized away, a broken timer, or a machine too busy to measure", ratio);
    return -1;
  }
  *iters_per_ns = (double)iters / t;
  return 0;
}

int kernel_calibrate(double step_ns, double *iters_per_ns, char *err, size_t errlen) {
  /* Warm up first: a Wasm engine runs new code in a baseline tier and swaps
   * in optimized code after a while, so a kernel calibrated cold runs items
   * shorter than W later. 100 ms of the loop lets the engine tier up. */
  uint64_t until = plat_now_ns() + 100000000u;
  while (plat_now_ns() < until) harness_spin_iters(100000);
  /* A preempted attempt on a busy machine is retried, not fatal. */
  int rc = -1;
  for (int attempt = 0; attempt < 5 && rc == -1; attempt++)
    rc = calibrate_once(step_ns, iters_per_ns, err, errlen);
  return rc == 0 ? 0 : -1;
}

uint64_t kernel_iters(double iters_per_ns, double work_ns) {
  double it = work_ns * iters_per_ns;
  return it <= 0 ? 0 : (uint64_t)llround(it);
}

int harness_calibrate(double *iters_per_ns, char *err, size_t errlen) {
  return kernel_calibrate(timer_measure_step_ns(), iters_per_ns, err, errlen);
}
